"""The `tsunagu` console script: `tsunagu demo …`, `tsunagu link …`, `tsunagu check-serving`, and every other
management command."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "link":
        # Linkage runs on files alone; it needs no database and no Django.
        from tsunagu.identity.cli import link_command  # noqa: PLC0415 — `link` starts without Django

        return link_command(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    if argv and argv[0] == "check-serving":
        # What scripts/serve.sh asks before it starts anything: may these settings serve, is the database there,
        # migrated and writable? If not, the one line.
        from tsunagu.settings import refusal_to_serve  # noqa: PLC0415 — after DJANGO_SETTINGS_MODULE is set

        if refusal := refusal_to_serve():
            print(refusal, file=sys.stderr)
            return 1
        import django  # noqa: PLC0415 — the database is checked only once the settings may serve

        django.setup()
        from tsunagu.core.health import database_refusal  # noqa: PLC0415 — needs the app registry

        if refusal := database_refusal():
            print(refusal, file=sys.stderr)
            return 1
        return 0
    from django.core.management import execute_from_command_line  # noqa: PLC0415 — not for `link`

    if argv and argv[0] == "demo-logins":
        argv[0] = "demo_logins"
    execute_from_command_line(["tsunagu", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
