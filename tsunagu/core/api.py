"""The JSON API: one NinjaAPI, routers contributed by each app's `api.py`, token or session authentication.

Every endpoint authenticates, then reads through the same services, queries and policy as the pages.
"""

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .registry import app_modules

# How callers sign in comes from the app that owns accounts (agencies/authentication.py: an API token or the pages'
# signed-in session), found through core.registry: the shell does not import it by name.
AUTHENTICATION = [method for module in app_modules("authentication") for method in module.METHODS]

AUTHENTICATION_REQUIRED = "認証が必要です。API トークンを指定してください。"


def signed_in(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The API's description (/api/docs, /api/openapi.json) is for staff, as the API is: an API token or a
    signed-in session that may use the API. Anyone else is sent to the login page (docs) or answered 401 (the
    document). The public directory's own API (/hsds/) is not this one and stays open."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if any(method(request) for method in AUTHENTICATION):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": AUTHENTICATION_REQUIRED}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


api = NinjaAPI(
    title="Tsunagu API",
    version="1",
    description="つなぐ — 包括的支援体制のための API。すべてのエンドポイントは画面と同じ情報共有ポリシーを通ります。",
    auth=AUTHENTICATION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=signed_in,
)

_FIELD_MESSAGES = {
    "missing": "必須項目です",
    "string_type": "文字列で指定してください",
    "int_parsing": "整数で指定してください",
    "int_type": "整数で指定してください",
    "bool_parsing": "真偽値（true / false）で指定してください",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）で指定してください",
    "date_parsing": "日付（YYYY-MM-DD）で指定してください",
    "datetime_parsing": "日時（ISO 8601）で指定してください",
    "enum": "選択肢にない値です",
    "literal_error": "選択肢にない値です",
    "string_too_long": "長すぎます",
    "string_too_short": "短すぎます",
    "json_invalid": "JSON の形式が正しくありません",
    "model_attributes_type": "オブジェクトで指定してください",
    "dict_type": "オブジェクトで指定してください",
    "list_type": "配列で指定してください",
}


def japanese_error(error: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
    field = ".".join(loc) or "リクエスト"
    message = _FIELD_MESSAGES.get(error.get("type", ""), "値が正しくありません")
    if error.get("type") in ("enum", "literal_error"):
        message += _choices(error)
    return {"field": field, "loc": list(error.get("loc", ())), "message": f"{field}: {message}"}


def _choices(error: dict[str, Any]) -> str:
    """pydantic's "'low', 'medium' or 'high'" as 「（low、medium、high のいずれか）」 (a blank choice left out)."""
    values = [v for v in re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", ""))) if v]
    return f"（{'、'.join(values)} のいずれか）" if values else ""


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [japanese_error(e) for e in exc.errors]
    return api.create_response(
        request, {"detail": "入力内容に誤りがあります。", "errors": errors}, status=422
    )


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the database cannot hold (PostgreSQL enforces lengths that SQLite does not). The transaction has
    # rolled back, so nothing was written.
    return api.create_response(
        request, {"detail": "入力値が長すぎるか、保存できない形式です。内容を確かめてください。", "errors": []}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": AUTHENTICATION_REQUIRED}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


for module in app_modules("api"):
    if module.__name__ == __name__:
        continue
    api.add_router(module.PREFIX, module.router)
