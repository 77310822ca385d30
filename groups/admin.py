from django.contrib import admin

from groups.models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_kana", "registration_number", "valid_from", "valid_until"]
    search_fields = ["name", "name_kana", "registration_number"]
