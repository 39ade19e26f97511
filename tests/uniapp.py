"""The request exactly as ShopXO's uni-app client builds it (contract §1.5), for tests to send."""

from __future__ import annotations

DEVICE_UUID = "0c6b0d5e-3f2a-4b7c-9d1e-2f3a4b5c6d7e"
SEED_AUTHCODE = "041KIFll2LRIW74DSzll2BlMpn4KIFlb"


def query(
    action: str = "user/appminiuserauth",
    client_type: str = "weixin",
    *,
    uuid: str = DEVICE_UUID,
    token: str = "",
    lang: str = "zh",
) -> str:
    """`api.php?s=...` with the client's parameters, in its order, not URL-encoded (`U/App.vue:371-410`)."""
    return (
        f"/api.php?s={action}&system_type=default&application=app"
        f"&application_client_type={client_type}&application_client_brand=devtools"
        f"&token={token}&uuid={uuid}&lang={lang}&theme=red&ajax=ajax"
    )


# uni.request's default content type; the client sets no headers of its own.
HEADERS = {"Content-Type": "application/json"}
