"""ShopXO's uni-app client (v6.9) on one phone, played call by call (contract §5).

Each method is one of the client's own and does with an answer what the client does with it
(`U/App.vue`, `U/pages/user/user.vue`, `U/pages/login/login.vue`,
`U/components/user-base/user-base.vue`): requests as `uniapp.query` builds them, storage as the
client keeps it (its uuid, the user, a new user's stub, base/common's data), its toasts, and on
-400 `uni.clearStorage()` (the uuid goes too) and a login again. The phone records every request
with its answer, and every field the client reads that an answer lacks or types otherwise.

The profile popup's two helpers are requests too: `upload_avatar` (`personal/useravatarupload`,
multipart, as `uni.uploadFile` sends it) and `onekey_mobile` (`user/onekeyusermobiledecrypt`).
"""

from __future__ import annotations

import itertools
import json
import uuid as uuids
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Final, Iterable, Iterator, Mapping

import aiohttp
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from uniapp import HEADERS, query

Client = TestClient[Any, Application]
Callback = Callable[[], Awaitable[None]]

# Storage keys (U/App.vue:141-150).
USER: Final = "cache_shop_user_info_key"
STUB: Final = "cache_user_login_key"
UUID: Final = "cache_user_uuid_key"
CONFIG: Final = "cache_config_info_key"
NO_LOGIN_PAGES: Final = "cache_user_no_login_page_status_data_key"

LOGIN: Final = "user/appminiuserauth"
INTERNET_ERROR: Final = "网络开小差了哦~"  # common.internet_error_tips (U/locale/zh.json:173)
CONFIG_TRIES: Final = 21  # init_config: the first request and up to 20 more (U/App.vue:1540-1609)
MAX_LOGINS: Final = 4  # more in one test is a client in a loop: fail instead of hanging
USER_TAB: Final = "pages/user/user"
# The default nicknames the profile popup asks to replace (user-base.vue:165-204, locale zh).
DEFAULT_NICKNAMES: Final = ("微信用户", "支付宝用户", "百度用户", "头条用户", "QQ用户", "快手用户", "WeChat User", "Usuarios de Wechat")

# What the client reads of each answer's `data`, by path (`[]`: every item of a list), and the
# type it needs there. base/common: App.vue (the profile popup), the login page's and the user
# tab's init_config; user/center: user.vue get_data.
READS: Final[Mapping[str, Mapping[str, type]]] = {
    "base/common": {
        "status": int,
        "config.common_app_is_weixin_force_user_base": int,
        "config.common_user_verify_bind_mobile_list": list,
        "config.common_user_onekey_bind_mobile_list": list,
        "config.home_user_login_type": list,
        "config.home_user_reg_type": list,
        "config.home_site_logo_square": str,
        "config.home_user_login_img_verify_state": int,
        "config.home_user_register_img_verify_state": int,
        "config.common_img_verify_state": int,
        "config.home_use_multilingual_status": int,
        "config.common_app_customer_service_tel": str,
        "config.common_user_center_notice": str,
        "config.common_app_is_online_service": int,
        "config.common_app_is_head_vice_nav": int,
    },
    "user/center": {
        "integral": int,
        "avatar": str,
        "user_name_view": str,
        "user_order_count": int,
        "user_goods_favor_count": int,
        "user_goods_browse_count": int,
        "message_total": int,
        "user_order_status": list,
        "user_order_status[].status": int,
        "user_order_status[].count": int,
        "navigation": list,
        "navigation[].name": str,
        "navigation[].images_url": str,
        "navigation[].event_value": str,
        "navigation[].event_type": int,
        "navigation[].desc": str,
        "cart_total.buy_number": int,
    },
}


@dataclass
class Sent:
    """One request the phone made, and what came back: the JSON, the text of a body that is not
    JSON, or None when the request failed (the client's `fail` callback)."""

    action: str
    uuid: str
    token: str
    body: dict[str, Any]
    answer: Any

    @property
    def code(self) -> Any:
        return self.answer.get("code") if isinstance(self.answer, dict) else None


@dataclass
class Popup:
    """The "complete your profile" popup (user-base.vue), open over a login's `data`."""

    user: dict[str, Any]
    fields: tuple[str, ...]  # what it asks for: avatar, nickname, mobile
    callback: Callback | None


@dataclass
class Phone:
    client: Client
    login_codes: Iterator[str]  # what uni.login answers, one per login
    client_type: str = "weixin"
    lang: str = "zh"
    storage: dict[str, Any] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # fields the client reads that were missing or mistyped
    screen: str = ""  # "user tab", "login page", "profile popup", "authorise modal"
    login_form: str = ""  # the login page's form: "auth", "bind", "bind_verify"
    popup: Popup | None = None
    tab_user: dict[str, Any] | None = None  # the user tab's own `user`
    center: dict[str, Any] | None = None  # what the user tab shows: user/center's data

    @classmethod
    def of(cls, client: Client, codes: str | Iterable[str], **kwargs: Any) -> Phone:
        """A phone whose uni.login answers `codes`: one code every time, or these in turn."""
        login_codes = itertools.repeat(codes) if isinstance(codes, str) else iter(codes)
        return cls(client, login_codes, **kwargs)

    # -- what a test looks at -------------------------------------------------------------
    @property
    def uuid(self) -> str:
        """`request_uuid` (U/App.vue:1772-1795): made once, kept in storage."""
        if UUID not in self.storage:
            self.storage[UUID] = str(uuids.uuid4())
        value: str = self.storage[UUID]
        return value

    @property
    def user(self) -> dict[str, Any] | None:
        stored: dict[str, Any] | None = self.storage.get(USER)
        return stored

    @property
    def actions(self) -> list[str]:
        return [sent.action for sent in self.sent]

    @property
    def logins(self) -> list[Sent]:
        return [sent for sent in self.sent if sent.action == LOGIN]

    def config(self, path: str, default: Any = None) -> Any:
        """`get_config`: a dotted path into the stored base/common data."""
        value: Any = self.storage.get(CONFIG)
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        return default if value is None else value

    @property
    def bind_buttons(self) -> tuple[str, ...]:
        """The bind form's buttons (login.vue:68-72): SMS and one-key, each when its list in
        base/common names the client type."""
        lists = (("sms", "common_user_verify_bind_mobile_list"), ("one-key", "common_user_onekey_bind_mobile_list"))
        return tuple(button for button, key in lists if self.client_type in self.config(f"config.{key}", []))

    # -- requests ---------------------------------------------------------------------------
    async def use(self, scenario: str) -> None:
        """What a developer does before opening the app: bind a scenario to this phone's uuid."""
        response = await self.client.post("/__mock/use", json={"scenario": scenario, "device": self.uuid})
        assert response.status == 200, await response.text()

    async def request(self, action: str, body: dict[str, Any]) -> Sent:
        """`uni.request` to `get_request_url(action)`, POST, JSON, `dataType: 'json'`."""
        user = self.user or {}
        token, uuid = str(user.get("token") or ""), self.uuid
        url = query(action, self.client_type, uuid=uuid, token=token, lang=self.lang)
        answer: Any
        try:
            response = await self.client.post(url, data=json.dumps(body, ensure_ascii=False), headers=HEADERS)
            text = await response.text()
        except aiohttp.ClientError:
            answer = None
        else:
            try:
                answer = json.loads(text)
            except ValueError:
                answer = text  # uni.request hands over the text it could not parse
        sent = Sent(action, uuid, token, body, answer)
        self.sent.append(sent)
        return sent

    async def upload_avatar(self, picture: bytes, content_type: str = "image/png") -> str:
        """`uni.uploadFile` of the chosen picture in the form field `file`: the URL it answers."""
        form = aiohttp.FormData()
        form.add_field("file", picture, filename="avatar.png", content_type=content_type)
        url = query("personal/useravatarupload", self.client_type, uuid=self.uuid, token="", lang=self.lang)
        response = await self.client.post(url, data=form)
        answer = await response.json()
        self.sent.append(Sent("personal/useravatarupload", self.uuid, "", {"file": "avatar.png"}, answer))
        assert answer["code"] == 0, answer
        return str(answer["data"])

    async def onekey_mobile(self, openid: str, code: str = "phone-code") -> str:
        """The phone-number button: the platform's code for the number, decrypted by the server."""
        sent = await self.request("user/onekeyusermobiledecrypt", {"openid": openid, "code": code})
        assert sent.answer["code"] == 0, sent.answer
        return str(sent.answer["data"])

    def toast(self, msg: Any) -> None:
        """`showToast`: an empty or missing msg shows nothing (U/App.vue:1188-1204)."""
        if msg:
            self.toasts.append(str(msg))

    def fail(self, sent: Sent) -> bool:
        """The answer's code is not 0: toast as the client does. True when it failed."""
        if sent.answer is None:
            self.toast(INTERNET_ERROR)
            return True
        if sent.code != 0:
            self.toast(sent.answer.get("msg") if isinstance(sent.answer, dict) else None)
            return True
        return False

    def read(self, action: str, data: Any) -> None:
        """Note every field the client reads of `data` that is missing or of another type."""
        self.unread += misread(action, data)

    # -- the app ----------------------------------------------------------------------------
    async def launch(self) -> None:
        """The app opened on 我的: App onShow's base/common, then the user tab."""
        await self.init_config()
        await self.open_user_tab(returning=False)

    async def init_config(self) -> None:
        """`init_config`: base/common {is_key: 1}, stored; retried after a failure or a non-zero
        code, unless the site is closed (-10000)."""
        for _ in range(CONFIG_TRIES):
            sent = await self.request("base/common", {"is_key": 1})
            if sent.answer is None:
                continue
            if sent.code == 0:
                self.read("base/common", sent.answer["data"])
                self.storage[CONFIG] = sent.answer["data"]
                return
            self.toast(sent.answer.get("msg") if isinstance(sent.answer, dict) else None)
            if sent.code == -10000:
                return

    async def open_user_tab(self, *, returning: bool = True) -> None:
        """user.vue onShow: the page takes the stored user; back on the tab it asks for base/common
        again (at launch App's request is under way). `init()`: without a user the login starts,
        and user/center is asked for at once, so on the wire it comes before the login."""
        self.screen = "user tab"
        self.tab_user = self.user
        if returning:
            await self.init_config()
        logs_in = False
        if self.tab_user is None:
            if self.storage.get(STUB) is None:
                logs_in = True  # get_user_info -> user_login -> uni.login, answered after get_data's request
            else:
                self.screen = "authorise modal"  # login_to_auth
        await self.get_data()
        if logs_in:
            await self.user_login_handle(self.tab_init)

    async def tab_init(self) -> None:
        """user.vue `init(1)`, the login's callback: the stored user (or the bind page), then
        user/center again."""
        if self.tab_user is None:
            await self.get_user_info(self.tab_init)
        self.tab_user = self.user
        await self.get_data()

    async def get_data(self) -> None:
        """user.vue `get_data`: user/center; -400 wipes the storage and logs in again
        (`is_login_check`, U/App.vue:1290-1296)."""
        sent = await self.request("user/center", {})
        if sent.answer is None:
            self.toast(INTERNET_ERROR)
        elif sent.code == 0:
            self.read("user/center", sent.answer["data"])
            self.center = sent.answer["data"]
        elif sent.code == -400:
            self.storage.clear()
            await self.get_user_info(self.get_data)
        else:
            self.toast(sent.answer.get("msg") if isinstance(sent.answer, dict) else None)

    async def get_user_info(self, callback: Callback | None = None) -> dict[str, Any] | None:
        """A page needs the user (U/App.vue:447-479): the stored one, the bind page when it has
        no mobile while binding is mandatory, or a login."""
        user = self.user
        if user is None:
            if self.storage.get(STUB) is None:
                await self.user_login_handle(callback)
            else:
                self.screen = "authorise modal"
            return None
        if not user.get("mobile") and int(user.get("is_mandatory_bind_mobile") or 0) == 1:
            self.to_login_page()
            return None
        return user

    def to_login_page(self) -> None:
        """`login_confirm_tips_modal` from a tab page's init: the login page, once per page."""
        shown = self.storage.setdefault(NO_LOGIN_PAGES, [])
        if USER_TAB not in shown:
            shown.append(USER_TAB)
            self.open_login_page()

    async def user_login_handle(self, callback: Callback | None) -> None:
        """The login (U/App.vue:733-794): uni.login's code to user/appminiuserauth; WeChat stores
        any code-0 data as the user unless the profile popup opens first."""
        assert len(self.logins) < MAX_LOGINS, f"the client logs in again and again: {self.actions}"
        sent = await self.request(LOGIN, {"authcode": next(self.login_codes)})
        if self.fail(sent):
            return
        data = sent.answer["data"]
        exists = int(data.get("is_user_exist") or 0) == 1
        weixin = self.client_type == "weixin"
        if exists or weixin:
            if (exists and not weixin) or not self.profile_popup(data, callback):
                self.storage[USER] = data
                if callback is not None:
                    await callback()
        else:
            self.storage[STUB] = data
            if self.screen == "login page" and callback is not None:
                await callback()
            else:
                self.screen = "authorise modal"

    def profile_popup(self, data: dict[str, Any], callback: Callback | None) -> bool:
        """`is_weixin_force_user_base_handle`: with the setting on, a default name, a default
        avatar or a mobile the site requires (and can fetch by one-key) opens the popup."""
        if int(self.config("config.common_app_is_weixin_force_user_base", 0)) != 1:
            return False
        missing = []
        if not data.get("nickname") or data["nickname"] in DEFAULT_NICKNAMES:
            missing.append("nickname")
        if not data.get("avatar") or "default-user-avatar" in data["avatar"]:
            missing.append("avatar")
        if int(data.get("is_mandatory_bind_mobile") or 0) == 1 and not data.get("mobile"):
            if self.client_type in self.config("config.common_user_onekey_bind_mobile_list", []):
                missing.append("mobile")
        if not missing:
            return False
        self.popup = Popup(data, tuple(missing), callback)
        self.screen = "profile popup"
        return True

    async def complete_profile(self, *, nickname: str, avatar: str, mobile: str = "") -> None:
        """The popup's form (user-base.vue form_submit): a user without an id registers through
        user/userbasereg, one with an id saves through personal/save. `avatar` is what the upload
        answered, `mobile` what the phone-number button's decryption did."""
        popup = self.popup
        assert popup is not None and self.screen == "profile popup", self.screen
        data: dict[str, Any] = {"nickname": nickname, "avatar": avatar, "mobile": mobile}
        user, prefix = popup.user, self.client_type
        if not user.get("id"):
            action = "user/userbasereg"
            data |= {"openid": user.get(f"{prefix}_openid") or "", "province": user.get("province") or "", "city": user.get("city") or ""}
            data |= {"gender": user.get("gender") or 0, f"{prefix}_unionid": user.get(f"{prefix}_unionid") or ""}
        else:
            action = "personal/save"
            self.storage[USER] = user
            data = {key: value for key, value in data.items() if key in popup.fields}
        assert all(data.get(name) for name in popup.fields), f"the popup needs {popup.fields}"
        sent = await self.request(action, data)
        if self.fail(sent):
            return
        self.storage[USER] = sent.answer["data"]
        self.toast(sent.answer["msg"])
        self.popup, self.screen = None, "user tab"
        if popup.callback is not None:
            await popup.callback()

    # -- the login page ---------------------------------------------------------------------
    def open_login_page(self) -> None:
        """login.vue init on a mini-program: `auth` without a user, else `bind`."""
        self.screen = "login page"
        self.login_form = "auth" if self.user is None else "bind"

    async def bind_by_sms(self, mobile: str, verify: str) -> None:
        """The bind form's SMS button: the code sent to `mobile`, then the form (formBind) with
        the stored user's profile and platform ids; success stores the user and goes back."""
        assert (self.screen, self.login_form) == ("login page", "bind") and "sms" in self.bind_buttons, (self.screen, self.login_form, self.bind_buttons)
        self.login_form = "bind_verify"
        if self.fail(await self.request("user/appmobilebindverifysend", {"mobile": mobile})):
            return
        user = self.user or {}
        body: dict[str, Any] = {"mobile": mobile, "verify": verify}
        body |= {key: user[key] for key in ("nickname", "avatar", "province", "city", "gender") if key in user}
        body |= {f"{self.client_type}_{name}": user.get(f"{self.client_type}_{name}") or "" for name in ("openid", "unionid")}
        assert body[f"{self.client_type}_openid"], "formBind refuses without the platform openid"
        sent = await self.request("user/appmobilebind", body)
        if self.fail(sent) or not sent.answer.get("data"):
            return
        self.storage[USER] = sent.answer["data"]
        self.toast(sent.answer["msg"])  # success_back_handle, then back to the page before
        await self.open_user_tab()


def misread(action: str, data: Any) -> list[str]:
    """Every field the client reads of this action's `data` that is missing or of another type."""
    return [
        f"{action} {path}: {found!r} is not {kind.__name__}"
        for path, kind in READS[action].items()
        for found in _walk(data, path.replace("[]", ".[]").split("."))
        if type(found) is not kind
    ]


def _walk(value: Any, keys: list[str]) -> Iterator[Any]:
    """The values at a path; a missing one as the client reads it (JavaScript's undefined)."""
    if not keys:
        yield value
        return
    key, rest = keys[0], keys[1:]
    if key == "[]":
        for item in value if isinstance(value, list) else [None]:
            yield from _walk(item, rest)
    else:
        yield from _walk(value.get(key) if isinstance(value, dict) else None, rest)
