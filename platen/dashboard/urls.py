from django.contrib.auth import views as auth_views
from django.urls import path

from platen.dashboard.views import (
    accounts, bulk, drafts, jobs, keys, login, notifications, order_actions, order_fixes, orders, orders_csv, requests,
    settings, team,
)
from platen.dashboard.views import production

app_name = "dashboard"

urlpatterns = [
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Both "/" and "/orders/" list orders; reverse() returns the last one, "/orders/".
    path("", orders.order_list, name="orders"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<uuid:order_id>/", orders.order_detail, name="order"),
    path("orders/bulk/", bulk.bulk_action, name="orders_bulk"),
    path("orders/export.csv", orders_csv.export, name="orders_export"),
    path("orders/<uuid:order_id>/submit/", drafts.submit, name="order_submit_draft"),
    path("orders/<uuid:order_id>/delete/", drafts.delete, name="order_delete_draft"),
    path("orders/<uuid:order_id>/cancel/", order_actions.cancel, name="order_cancel"),
    path("orders/<uuid:order_id>/reprocess/", order_actions.reprocess, name="order_reprocess"),
    path("orders/<uuid:order_id>/address/", order_actions.edit_address, name="order_address"),
    path("orders/<uuid:order_id>/approve/", order_actions.approve, name="order_approve"),
    path("orders/<uuid:order_id>/reject/", order_actions.reject, name="order_reject"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/file/", order_fixes.item_file, name="order_item_file"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/product/", order_fixes.item_product, name="order_item_product"),
    path("orders/<uuid:order_id>/items/<uuid:item_id>/uploads/<str:file_type>/", order_fixes.uploaded_file,
         name="order_item_upload"),
    path("orders/<uuid:order_id>/shipment-method/", order_fixes.shipment_method, name="order_shipment_method"),
    path("settings/", settings.account_settings, name="settings"),
    path("settings/keys/", keys.key_list, name="settings_keys"),
    path("settings/keys/<uuid:key_id>/revoke/", keys.key_revoke, name="settings_key_revoke"),
    path("settings/users/", team.user_list, name="settings_users"),
    path("settings/users/<int:user_id>/remove/", team.user_remove, name="settings_user_remove"),
    path("settings/invitations/<uuid:invitation_id>/withdraw/", team.invitation_withdraw, name="settings_invitation_withdraw"),
    path("invitations/<str:token>/", team.accept_invitation, name="invitation"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<uuid:account_id>/", accounts.account_edit, name="account_edit"),
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
    # Print partners: their production queue and jobs (by Platen's order id, as in their API).
    path("production/", production.production_queue, name="production"),
    path("production/<uuid:order_id>/", production.production_job, name="production_job"),
    path("production/<uuid:order_id>/start/", production.production_start, name="production_start"),
    path("production/<uuid:order_id>/printed/", production.production_printed, name="production_printed"),
    path("production/<uuid:order_id>/problem/", production.production_problem, name="production_problem"),
    path("production/<uuid:order_id>/pack/", production.production_pack, name="production_pack"),
    path("production/<uuid:order_id>/ship/", production.production_ship, name="production_ship"),
    path("production/<uuid:order_id>/packing-slip.pdf", production.production_slip, name="production_slip"),
    path("production/<uuid:order_id>/shipping-label.pdf", production.production_label, name="production_label"),
]
