"""Small builders for directory rows in tests (real rows, real database)."""

from tsunagu.resources import services

BASE = {"kind": "formal", "visibility": "public", "fields": [], "targets": [], "days": []}


def resource(name: str, maintainer=None, **data):
    return services.service_create(data={**BASE, "name": name, **data}, maintainer=maintainer)
