from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from platen.accounts.models import Account, ApiKey, BillingEntity, Invitation, User
from platen.orders.services import holds


class BillingEntityInline(admin.StackedInline):
    model = BillingEntity
    extra = 0
    max_num = 1


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    inlines = [BillingEntityInline]
    list_display = ["name", "email", "approval_mode", "on_hold", "id", "created_at"]
    list_filter = ["approval_mode", "on_hold"]
    search_fields = ["name", "email", "id"]
    readonly_fields = ["on_hold", "on_hold_reason"]  # changed through the actions, which also resume held orders
    actions = ["hold", "release"]

    @admin.action(description="Put on hold (checked orders wait)")
    def hold(self, request, queryset):
        for account in queryset:
            holds.hold_account(account, "Held by an operator.")

    @admin.action(description="Release (held orders resume)")
    def release(self, request, queryset):
        for account in queryset:
            holds.release_account(account)


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


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "account", "created_at", "expires_at", "accepted_at"]
    list_filter = ["account"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]
    search_fields = ["email", "account__name"]
