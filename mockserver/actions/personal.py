"""The `Personal` controller (§4.5): the profile popup's `save` and the avatar upload.

`save` needs a login (the controller checks it first: -400); `useravatarupload` is the one action
it leaves out. Each then lets a scenario for the route answer (an envelope, an error, a fault),
and otherwise checks its input as `UserService::PersonalSave` / `UserAvatarUpload` do, in their
order, and changes the stored user (`state.accounts`), so the next `user/tokenuserinfo` and login
show it.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any, Final, Mapping, NamedTuple

from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..contract import uploads
from ..contract.platforms import PLATFORMS
from ..contract.site import SHANGHAI
from ..params import Call, Upload, is_empty, scalar_text
from ..rendering.envelope import Encoding, Envelope
from ..state import Account
from ..state.uploads import Picture
from .declared import declared_answer
from .login import TOKEN, Login, Purpose, logged_in
from .unmodelled import login_expired

# `personal/save` answers the user as `user/tokenuserinfo` does (`UserHandle(UserInfo(...))`).
SAVED: Final = Purpose(m.CHANGE_SUCCESS, TOKEN.omit, mints_token=False, checks_status=False)
NICKNAME_LENGTH: Final = (1, 60)
ADDRESS_MAX: Final = 80
GENDERS: Final = (0, 1, 2)
# The columns `PersonalSave` writes, in its order, when the request names them (even empty).
SAVED_FIELDS: Final = ("avatar", "birthday", "nickname", "gender", "province", "city", "county", "address", "mobile")

# A PHP numeric string (leading and, since PHP 8, trailing whitespace allowed).
_NUMERIC: Final = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*")
# The dates `strtotime` is given here: the client's date picker sends YYYY-MM-DD.
_DATE: Final = re.compile(r"\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*")


class TokenUser(NamedTuple):
    account: Account
    row: Mapping[str, Any]
    login: Login


def token_user(call: Call, ctx: Context) -> TokenUser | None:
    """The user the call's token was minted for, as a login-type answer sees them."""
    token = call.text("token")
    found = ctx.state.accounts.for_token(token)
    if found is None:
        return None
    account, row = found
    platform = next(p for p in PLATFORMS.values() if p.openid_column == account[0])
    return TokenUser(account, row, Login(call, platform, ctx.lang(call), device=token))


# -- personal/save ---------------------------------------------------------------------------


async def save(call: Call, ctx: Context) -> Answer:
    """`UserService::PersonalSave`: check nickname, gender and address, write the named fields."""
    user = token_user(call, ctx)
    if user is None:
        return Answer(login_expired(call, ctx))
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    lang = user.login.lang
    refusal = save_refusal(call.params, lang)
    if refusal is not None:
        return Answer(refusal)
    changes = saved_fields(call, ctx)
    if not changes:
        return Answer(Envelope(m.CONTENT_PARAMS_EMPTY.in_lang(lang), m.FAIL))
    row = ctx.state.accounts.change(user.account, **changes, upd_time=int(ctx.state.clock.now()))
    token = call.text("token")
    return Answer(logged_in({**row, "token": token}, user.login, ctx, SAVED))


def save_refusal(params: Mapping[str, Any], lang: str) -> Envelope | None:
    """`ParamsChecked` of `PersonalSave`, in its order; each rule applies when the key is set."""
    nickname = params.get("nickname")
    if nickname is not None:
        if isinstance(nickname, (list, dict)):
            return string_type_error("mb_strlen", "string")
        low, high = NICKNAME_LENGTH
        if not low <= len(scalar_text(nickname)) <= high:
            return Envelope(m.SAVE_NICKNAME_FORMAT.in_lang(lang), m.FAIL)
    gender = params.get("gender")
    if gender is not None and php_number(gender) not in GENDERS:
        return Envelope(m.SAVE_GENDER_RANGE.in_lang(lang), m.FAIL)
    address = params.get("address")
    if address is not None:
        if isinstance(address, (list, dict)):
            return string_type_error("mb_strlen", "string")
        if len(scalar_text(address)) > ADDRESS_MAX:
            return Envelope(m.SAVE_ADDRESS_FORMAT.in_lang(lang), m.FAIL)
    return None


def saved_fields(call: Call, ctx: Context) -> dict[str, Any]:
    """The columns `PersonalSave` writes: each field the request names, an empty one as empty."""
    changes: dict[str, Any] = {}
    for key in SAVED_FIELDS:
        if key not in call.params:
            continue
        value = call.params[key]
        text = "" if is_empty(value) else scalar_text(value)
        if key == "avatar":
            # `AttachmentPathHandle`: a URL under the attachment host is kept as its path.
            changes[key] = text.replace(call.base_url + "/", "/")
        elif key == "birthday":
            changes[key] = strtotime(text) if text else 0
        elif key == "gender":
            number = php_number(value) if text else 0
            changes[key] = int(number) if number is not None else 0
        elif key == "mobile":
            # Bound only when no user has it yet (one-key mobile in the profile popup); no format check.
            if text and ctx.state.accounts.holder_of(text) is None:
                changes[key] = text
        else:
            changes[key] = text
    return changes


def php_number(value: Any) -> float | None:
    """The number PHP 8 compares a value as with `==` against an int; None: it equals no int."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return float(value)
    return None


def strtotime(text: str) -> int:
    """PHP's `strtotime` for the dates a client sends (YYYY-MM-DD, optionally a time), in the
    server's zone; a day past the month's end rolls over as PHP's does. Anything else: 0, what
    the int column keeps of `false`."""
    match = _DATE.fullmatch(text)
    if match is None:
        return 0
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    if not 1 <= month <= 12 or day > 31 or hour > 24:
        return 0
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    return int((start + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second)).timestamp())


def string_type_error(function: str, name: str) -> Envelope:
    """PHP's TypeError for an array where a string belongs, as `ExceptionHandle` answers it."""
    return Envelope(
        m.PHP_STRING_TYPE_ERROR.format(function=function, name=name), m.SERVER_ERROR_CODE, encoding=Encoding.EXCEPTION
    )


# -- personal/useravatarupload ---------------------------------------------------------------


async def useravatarupload(call: Call, ctx: Context) -> Answer:
    """`UserService::UserAvatarUpload`: the picture in the form field `file`, kept and served back.

    A mini-program or app (`application=app`, what the client sends) gets the picture's URL and
    saves it with `personal/save`; on the web the logged-in user's avatar changes at once."""
    chosen = declared_answer(call, ctx)
    if chosen is not None:
        return chosen
    lang = ctx.lang(call)
    user = token_user(call, ctx)
    uploader = user.account if user is not None else ("uuid", call.device)
    if ctx.state.uploads.refused(uploader, uploads.MOST_UPLOADS, uploads.UPLOAD_WINDOW):
        return Answer(Envelope(m.OPERATE_FREQUENT.in_lang(lang), m.FAIL))
    # ShopXO downloads a picture named by URL in `file`; the mock fetches nothing: unreadable.
    if scalar_text(call.params.get(uploads.FIELD)).startswith("http"):
        return Answer(Envelope(m.IMAGES_FORMAT_ERROR.in_lang(lang), m.IMAGE_ERROR_CODE))
    upload = call.files.get(uploads.FIELD)
    problem = file_error(upload)
    if problem is not None:
        return Answer(Envelope(problem.in_lang(lang), m.FILE_UPLOAD_ERROR_CODE))
    assert upload is not None
    ext = uploads.extension(upload.content_type)
    if ext is None or not uploads.readable(upload.data, ext):
        return Answer(Envelope(m.IMAGES_FORMAT_ERROR.in_lang(lang), m.IMAGE_ERROR_CODE))
    now = ctx.state.clock.now()
    path = picture_path(now, ext)
    ctx.state.pictures.keep(path, Picture(uploads.CONTENT_TYPES[ext], upload.data))
    ctx.state.uploads.count(uploader, uploads.UPLOAD_WINDOW)
    if call.public["application"] == "app":
        return Answer(Envelope(m.UPLOAD_SUCCESS.in_lang(lang), m.SUCCESS, call.base_url + path))
    if user is None:  # the web updates user 0: no row changes
        return Answer(Envelope(m.UPLOAD_FAIL.in_lang(lang), m.UPLOAD_FAIL_CODE))
    ctx.state.accounts.change(user.account, avatar=path, upd_time=int(now))
    return Answer(Envelope(m.UPLOAD_SUCCESS.in_lang(lang), m.SUCCESS))


def file_error(upload: Upload | None) -> m.Text | None:
    """`FileUploadError('file')`: no such file, or PHP's error for it (none chosen, too big, cut short)."""
    if upload is None:
        return m.UPLOAD_FILE_REQUIRED
    if not upload.filename:
        return m.FILE_UPLOAD_ERRORS[uploads.UPLOAD_ERR_NO_FILE]
    if len(upload.data) > uploads.PHP_UPLOAD_MAX_FILESIZE:
        return m.FILE_UPLOAD_ERRORS[uploads.UPLOAD_ERR_INI_SIZE]
    if upload.partial:
        return m.FILE_UPLOAD_ERRORS[uploads.UPLOAD_ERR_PARTIAL]
    return None


def picture_path(now: float, ext: str) -> str:
    """Where ShopXO keeps the compressed avatar: by date, named by the time and shuffled digits."""
    local = datetime.fromtimestamp(now, SHANGHAI)
    digits = secrets.randbelow(2**31)  # PHP's rand(), shuffled
    return f"{uploads.PATH_PREFIX}{local:%Y/%m/%d}/{local:%Y%m%d%H%M%S}{digits}.{ext}"
