"""Which addresses may become links: http and https only, from any source (a form, an import, an old row).

A `javascript:` or `data:` address in a link runs in the reader's browser; the page shows it as plain text.
"""

from urllib.parse import urlsplit

from django.core.validators import URLValidator

WEB_SCHEMES = ("http", "https")
web_url_validator = URLValidator(schemes=list(WEB_SCHEMES), message="http:// または https:// で始まるアドレスを入力してください。")


def is_web_url(value: object) -> bool:
    """True for an http(s) address with a host. Browsers ignore tabs, newlines and leading controls in a scheme,
    so the text is judged as they would read it."""
    if not isinstance(value, str) or not value:
        return False
    text = "".join(ch for ch in value if ch not in "\t\n\r").strip("\x00 \x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                                               "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
                                                               "\x1a\x1b\x1c\x1d\x1e\x1f")
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc) and text == value
