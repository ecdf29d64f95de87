"""The merchant's own account settings."""

from ninja import Router

from platen.accounts import services
from platen.accounts.schemas import AccountOut, AccountPatch
from platen.kit.schemas import errors

router = Router(tags=["account"])


def _present(account) -> dict:
    return {
        "id": str(account.id), "name": account.name, "email": account.email,
        "approvalMode": account.approval_mode, "approvalDelayHours": account.approval_delay_hours,
        "onHold": account.on_hold, "onHoldReason": account.on_hold_reason,
    }


@router.get("/account", response={200: AccountOut, **errors()}, summary="The account and its settings")
def get_account(request):
    return _present(services.current_account(request.account.pk))


@router.patch("/account", response={200: AccountOut, **errors()}, summary="Change how orders are approved")
def patch_account(request, payload: AccountPatch):
    account = services.set_approval(request.account, payload.approvalMode, payload.approvalDelayHours)
    return _present(account)
