"""Demo: the 名寄せ over the demo persons (people and cases have written theirs; linkage comes after sharing)."""

from . import services


def generate(ctx) -> None:
    run = services.linkage_run(today=ctx.today)
    ctx.data["linkage_run"] = run
    ctx.say(f"    名寄せ：記録 {run.records:,} 件 → 本人 {run.persons:,} 人、世帯 {run.households:,}、要確認 {run.review_pairs:,} 組")
