from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "tsunagu.inquiries"
    label = "inquiries"
    verbose_name = "住民の入口（相談の申込み）"
    default_auto_field = "django.db.models.BigAutoField"
