app_name = "ecomap"

urlpatterns: list = []
