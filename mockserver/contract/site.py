"""`base/common` (§4.4): the site configuration the client reads at launch, as data; and the
server's time zone, in which it writes times and reads dates.

The login-steering keys are the ones `SystemBaseService.php:91-110` sends and the client branches
on (§5); the rest of the answer is a plausible minimal shop so the client starts. A scenario or
the command line sets the steering keys; the mock's own logic reads the same values, so the
configuration the client sees is the one the server acts on.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from types import MappingProxyType
from typing import Any, Final, Mapping

# The server's zone, Asia/Shanghai, has been a fixed UTC+8 since 1992; a fixed offset spares the
# tzdata dependency and cannot drift.
SHANGHAI: Final = timezone(timedelta(hours=8))

MANDATORY_BIND_MOBILE: Final = "common_user_is_mandatory_bind_mobile"
WEIXIN_FORCE_USER_BASE: Final = "common_app_is_weixin_force_user_base"
REGISTER_AUDIT: Final = "common_register_is_enable_audit"

DEFAULT_CONFIG: Final[Mapping[str, Any]] = MappingProxyType(
    {
        MANDATORY_BIND_MOBILE: 0,
        "common_user_verify_bind_mobile_list": [],
        "common_user_onekey_bind_mobile_list": [],
        WEIXIN_FORCE_USER_BASE: 0,
        "home_user_login_type": ["username", "sms", "email"],
        "home_user_reg_type": ["sms", "email"],
        REGISTER_AUDIT: 0,
        "home_site_name": "ShopXO",
        "common_app_is_online_service": 0,
        "common_is_login_required": 0,
    }
)


def common_data(config: Mapping[str, Any]) -> dict[str, Any]:
    """`data` of the `base/common` answer (`SystemBaseService.php:242-257`)."""
    return {
        "status": 1,
        "config": dict(config),
        "site_info_data": {"name": config.get("home_site_name", "ShopXO"), "logo": ""},
        "app_tabbar": [],
        "currency_symbol": "￥",
        "quick_nav": [],
        "plugins_base": {},
    }
