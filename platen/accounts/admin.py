from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from platen.accounts.models import Account, ApiKey, User


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "id", "created_at"]
    search_fields = ["name", "email", "id"]


@admin.register(User)
class PlatenUserAdmin(UserAdmin):
    list_display = ["username", "email", "account", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "account"]
    fieldsets = UserAdmin.fieldsets + (("Merchant", {"fields": ["account"]}),)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "account", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["account"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["prefix", "account__name"]
