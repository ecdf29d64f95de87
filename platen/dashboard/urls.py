from django.contrib.auth import views as auth_views
from django.urls import path

from platen.dashboard.views import accounts, jobs, notifications, order_actions, orders, requests, settings
from platen.dashboard.views import order_fixes

app_name = "dashboard"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="dashboard/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Both "/" and "/orders/" list orders; reverse() returns the last one, "/orders/".
    path("", orders.order_list, name="orders"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<uuid:order_id>/", orders.order_detail, name="order"),
    path("orders/<uuid:order_id>/cancel/", order_actions.cancel, name="order_cancel"),
    path("orders/<uuid:order_id>/reprocess/", order_actions.reprocess, name="order_reprocess"),
    path("orders/<uuid:order_id>/address/", order_actions.edit_address, name="order_address"),
    path("orders/<uuid:order_id>/approve/", order_actions.approve, name="order_approve"),
    path("orders/<uuid:order_id>/reject/", order_actions.reject, name="order_reject"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/file/", order_fixes.item_file, name="order_item_file"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/product/", order_fixes.item_product, name="order_item_product"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/uploads/<str:file_type>/", order_fixes.uploaded_file,
         name="order_item_upload"),
    path("settings/", settings.account_settings, name="settings"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/<uuid:account_id>/hold/", accounts.hold, name="account_hold"),
    path("accounts/<uuid:account_id>/release/", accounts.release, name="account_release"),
    path("requests/", requests.request_list, name="requests"),
    path("requests/<uuid:request_id>/", requests.request_detail, name="request"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<uuid:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<uuid:job_id>/retry/", jobs.job_retry, name="job_retry"),
    path("postbacks/", notifications.postbacks, name="postbacks"),
    path("postbacks/<uuid:endpoint_id>/", notifications.postback_detail, name="postback"),
    path("postbacks/<uuid:endpoint_id>/delete/", notifications.postback_delete, name="postback_delete"),
    path("postbacks/<uuid:endpoint_id>/enable/", notifications.postback_enable, name="postback_enable"),
    path("postbacks/<uuid:endpoint_id>/test/", notifications.postback_test, name="postback_test"),
    path("postbacks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/replay/", notifications.postback_replay, name="postback_replay"),
    path("outbox/", notifications.outbox, name="outbox"),
    path("outbox/settings/", notifications.outbox_settings, name="outbox_settings"),
    path("outbox/<uuid:message_id>/", notifications.outbox_message, name="outbox_message"),
]
