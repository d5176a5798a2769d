"""The areas in the navigation bar. An entry whose URL does not exist yet is left out, and so is one whose screen
answers 404 to the actor: `admin_only` and `coordinator_only` mirror agencies.permissions' gates of the same names
(core imports no app, so the rule is restated here; tests/core/test_navigation.py holds the two together)."""

from dataclasses import dataclass
from typing import Protocol, TypedDict

from django.urls import NoReverseMatch, reverse


class Roles(Protocol):
    """What the navigation asks of the acting staff member (agencies.actor.Actor answers it)."""

    @property
    def is_admin(self) -> bool: ...

    @property
    def is_coordinator(self) -> bool: ...


class NavEntry(TypedDict):
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    staff_only: bool = True
    admin_only: bool = False
    coordinator_only: bool = False


NAV = [
    NavItem("ダッシュボード", "dashboard"),
    NavItem("相談受付", "cases:intake"),
    NavItem("本人・世帯", "people:index"),
    NavItem("支援ケース", "cases:index"),
    NavItem("つなぎ", "cases:referrals"),
    NavItem("会議", "meetings:index"),
    NavItem("フォローアップ", "followups:index"),
    NavItem("制度の狭間", "followups:gaps", coordinator_only=True),
    NavItem("名寄せ", "linkage:review", coordinator_only=True),
    NavItem("社会資源", "resources:index"),
    NavItem("体制整備", "workspace:index"),
    NavItem("集計", "reports:index"),
    NavItem("管理", "agencies:admin_home", admin_only=True),
    NavItem("閲覧記録", "audit:index", admin_only=True),
]


def nav_for(actor: Roles, current_path: str) -> list[NavEntry]:
    items: list[NavEntry] = []
    for item in NAV:
        if item.admin_only and not actor.is_admin:
            continue
        if item.coordinator_only and not actor.is_coordinator:  # as agencies.permissions.coordinator_required
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
        except NoReverseMatch:
            continue
    # One current area: the longest URL that the path starts with (/cases/intake/ is 相談受付, not 支援ケース).
    matching = [i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return items
