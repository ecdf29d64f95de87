"""The login pages (the dashboard's and the admin's): Django's forms with failed sign-ins slowed and then
refused (accounts.throttling)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import resolve_url

from platen.accounts import throttling
from platen.dashboard.access import is_partner_login


class Throttled:
    """Mixed into an AuthenticationForm (which has self.request)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttling.client_address(self.request)
        if (wait := throttling.password_wait(username, address)) is not None:
            # Refused before the password is even checked: a right guess now would tell nothing either.
            raise forms.ValidationError(throttling.sign_in_refusal(wait), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                throttling.password_failed(username, address)
            raise
        throttling.password_succeeded(username)
        return cleaned


class ThrottledAuthenticationForm(Throttled, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(Throttled, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "dashboard/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # A print partner lands on its production queue (it has no merchant pages).
        if is_partner_login(self.request.user):
            return resolve_url("dashboard:production")
        return super().get_default_redirect_url()
