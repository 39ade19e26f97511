"""Every response code and zh/en message of the contract, by name.

The texts are ShopXO's language files (`app/lang/zh.php`, `en.php`); the comments give the
contract section each one comes from. Nothing outside `mockserver.contract` writes a message or
a negative code literally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LANGS: Final = ("zh", "en")
DEFAULT_LANG: Final = "zh"


@dataclass(frozen=True, slots=True)
class Text:
    """One message in the two languages the mock speaks."""

    zh: str
    en: str

    def in_lang(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


# -- codes (§2.5) ----------------------------------------------------------------------------
SUCCESS: Final = 0
FAIL: Final = -1
MOBILE_FORMAT_CODE: Final = -2
VERIFY_EXPIRED_CODE: Final = -10
VERIFY_WRONG_CODE: Final = -11
BIND_OPENID_EMPTY_CODE: Final = -20
MOBILE_TAKEN_CODE: Final = -50
MOBILE_SAME_CODE: Final = -51
PLATFORM_REJECTED_V2: Final = -10  # documented profile: every failed code exchange (§7.1)
PLATFORM_REJECTED_ALIPAY_V2: Final = -100
USER_STATUS_FORBIDS: Final = -110
LOGIN_EXPIRED_CODE: Final = -400
SERVER_ERROR_CODE: Final = -500
UNKNOWN_ROUTE: Final = -1000
SITE_CLOSED_CODE: Final = -10000
CURL_ERROR_CODE: Final = -9999  # CurlPost's transport failure (S/app/common.php:4401)
FILE_UPLOAD_ERROR_CODE: Final = -2  # FileUploadError: no file, or PHP refused it (§4.5)
IMAGE_ERROR_CODE: Final = -3  # the upload is no picture ShopXO can read (§4.5)
UPLOAD_FAIL_CODE: Final = -100
EMAIL_FORMAT_CODE: Final = -2
EMAIL_TAKEN_CODE: Final = -50
EMAIL_SAME_CODE: Final = -51

# -- appminiuserauth (§3) --------------------------------------------------------------------
AUTH_LOGIN_SUCCESS: Final = Text("授权登录成功", "Auth login succeeded")
AUTH_SUCCESS: Final = Text("授权成功", "Authorization Succeeded")
AUTHCODE_EMPTY: Final = Text("授权码为空", "The auth code is empty")
AUTHCODE_INCORRECT: Final = Text("授权码有误", "Incorrect authorization code")
PARAMS_ERROR: Final = Text("参数错误", "Params Error")
AUTH_API_CALL_FAILED: Final = Text("授权接口调用失败", "Authorization interface call failed")
AUTH_FAILED: Final = Text("授权失败", "Authorization Failed")
AUTH_API_EXCEPTION: Final = Text("授权接口异常错误", "Authorization interface exception error")
SIGNATURE_INVALID: Final = Text("签名验证失败", "Signature verification failed")
DEFAULT_NICKNAME_WEIXIN: Final = Text("微信用户", "WeChat User")
USER_NOT_AUDIT: Final = Text("用户等待审核中", "User waiting for approval")
USER_STATUS_INVALID: Final = Text("用户状态有误", "Incorrect user status")
USER_MISSING: Final = Text("用户不存在或已删除", "The user does not exist or has been deleted")
OPERATE_FAIL: Final = Text("操作失败", "Operation Failed")
SUCCESS_TEXT: Final = "success"  # tokenuserinfo's literal msg (§4.2), not translated

# -- around the login (§4) ---------------------------------------------------------------------
OPENID_EMPTY: Final = Text("openid为空", "Openid is empty")
AUTH_DATA_EMPTY: Final = Text("授权数据为空", "The auth data is empty")
ENCRYPTED_DATA_EMPTY: Final = Text("解密数据为空", "Decrypted data is empty")
IV_EMPTY: Final = Text("iv为空,请重试", "Iv is empty, please try again")
SESSION_KEY_MISSING: Final = Text("session key不存在", "SessionKey does not exist")
IV_LENGTH: Final = Text("iv长度错误", "Iv Length error")
DECRYPT_FAILED: Final = Text("解密失败", "Decryption failed")
APPKEY_MISMATCH: Final = Text("appkey不匹配", "Appkey does not match")
QQ_RETRY: Final = Text("请重试！", "Please try again!")
TOKEN_EMPTY: Final = Text("token不能为空", "Token cannot be empty")
USER_INFO_MISSING: Final = Text("用户信息不存在", "User information does not exist")
TEMP_CODE_EMPTY: Final = Text("临时code为空", "Temporary code is empty")
ONEKEY_UNSUPPORTED: Final = Text("平台还未开发手机一键登录", "The platform has not yet developed one-touch login")
MOBILE_REQUIRED: Final = Text("手机号码不能为空", "Mobile phone number cannot be empty")
MOBILE_FORMAT: Final = Text("手机号码格式错误", "Mobile number format error")
SEND_SUCCESS: Final = Text("发送成功", "Sending Succeeded")
VERIFY_REQUIRED: Final = Text("验证码不能为空", "Verification code cannot be empty")
VERIFY_EXPIRED: Final = Text("验证码已过期", "Verification code has expired")
VERIFY_WRONG: Final = Text("验证码错误", "Verification code error")
BIND_OPENID_EMPTY: Final = Text("用户openid不能为空", "User openid cannot be empty")
MOBILE_TAKEN: Final = Text("手机已绑定其他帐号", "The phone has been bound to another account")
MOBILE_SAME: Final = Text("请使用新的手机号", "Please use a new mobile number")
BIND_SUCCESS: Final = Text("绑定成功", "Bind Succeeded")
AVATAR_REQUIRED: Final = Text("请上传头像", "Please upload your profile picture")
NICKNAME_LENGTH: Final = Text("昵称1~60个字符之间", "Nickname between 1 and 60 characters")
MOBILE_EMPTY: Final = Text("手机号码为空", "The phone number is empty")
EMAIL_REQUIRED: Final = Text("电子邮箱不能为空", "Email cannot be empty")  # lang zh:3093 / en:3057
EMAIL_FORMAT: Final = Text("电子邮箱格式错误", "Email format error")  # zh:713 / en:712
EMAIL_TAKEN: Final = Text("邮箱已绑定其他帐号", "The email has been linked to another account")  # zh:3094 / en:3058
EMAIL_SAME: Final = Text("请使用新的邮箱", "Please use a new email address")  # zh:3095 / en:3059

# -- the profile: personal/save, personal/useravatarupload (§4.5) ------------------------------
CHANGE_SUCCESS: Final = Text("修改成功", "Modification Succeeded")  # zh:132 / en:132
CONTENT_PARAMS_EMPTY: Final = Text("内容参数为空", "Content parameter is empty")  # zh:230 / en:230
# ShopXO's English text says 2-16 while the rule is 1-60 (zh:3076 / en:3040): its words, kept.
SAVE_NICKNAME_FORMAT: Final = Text("昵称1~60个字符之间", "Nickname is between 2 and 16 characters")
SAVE_GENDER_RANGE: Final = Text("性别值范围不正确", "The gender value range is incorrect")  # zh:3073 / en:3037
SAVE_ADDRESS_FORMAT: Final = Text("地址格式最多80个字符", "Detail Address format is up to 80 characters")  # zh:3044 / en:3008
UPLOAD_SUCCESS: Final = Text("上传成功", "Upload Succeeded")  # zh:154 / en:154
UPLOAD_FAIL: Final = Text("上传失败", "Upload Failed")  # zh:153 / en:153
OPERATE_FREQUENT: Final = Text("操作频繁，请稍后再试！", "Frequent operation, please try again later!")  # zh:300 / en:300
IMAGES_FORMAT_ERROR: Final = Text("图片有误，请换一张！", "The picture is wrong, please change it!")  # zh:301 / en:301
UPLOAD_FILE_REQUIRED: Final = Text("请上传文件", "Please upload the file")  # form_upload_file_message, zh:729 / en:728
# PHP's $_FILES error numbers and ShopXO's words for them (common_file_upload_error_list, zh:1309 / en:1308).
FILE_UPLOAD_ERRORS: Final = {
    1: Text("文件大小超过服务器允许上传的最大值", "The file size exceeds the maximum upload allowed by the server"),
    2: Text(
        "文件大小超出浏览器限制，查看是否超过[站点设置->附件最大限制]",
        "The file size exceeds the browser limit. Check if it exceeds the [Site Settings ->Attachment Maximum Limit]",
    ),
    3: Text("文件仅部分被上传", "The file has only been partially uploaded"),
    4: Text("没有找到要上传的文件", "No files found to upload"),
    5: Text("没有找到服务器临时文件夹", "Server Temporary folder not found"),
    6: Text("文件写入到临时文件夹出错", "Error writing file to Temporary folder"),
    7: Text("文件写入失败", "File write failure"),
    8: Text("文件上传扩展没有打开", "File upload extension not opened"),
}

# -- the shop of a fresh install: index/index (§4.6) ------------------------------------------
RIGHT_ICON_FAVOR: Final = Text("我的收藏", "My Favor")  # app_home_right_list_data, zh:952 / en:951
RIGHT_ICON_MESSAGE: Final = Text("我的消息", "My Message")
GOODS_SALES_PRICE_TITLE: Final = Text("售价", "Sales Price")  # zh:672 / en:671
GOODS_ONLY_SHOW: Final = Text("仅展示", "Show only")  # goods_only_show_title, zh:670 / en:669
GOODS_ORIGINAL_PRICE_TITLE: Final = Text("原价", "Original Price")  # zh:673 / en:672

# Not translated on the real server (hard-coded in User.php:228).
METHOD_UNDEFINED: Final = "方法未定义[{method}]"
# PHP's TypeError for an array where a string belongs, as ShopXO's ExceptionHandle answers it (-500).
PHP_STRING_TYPE_ERROR: Final = "{function}(): Argument #1 (${name}) must be of type string, array given"
# One-key binding on a platform without it: the client type, then the text (e.g. alipay平台...).
ONEKEY_UNSUPPORTED_FORMAT: Final = "{client_type}{text}"

# `UserStatusCheck` texts per status (§3.5); note status 3 differs in English from USER_NOT_AUDIT.
USER_STATUS_TEXTS: Final = {
    1: Text("用户被禁止发言", "User is prohibited from speaking"),
    2: Text("用户被禁止登录", "User is prohibited from logging in"),
    3: Text("用户等待审核中", "User waiting for review"),
}

GENDER_TEXTS: Final = {
    0: Text("保密", "secrecy"),
    1: Text("女", "female"),
    2: Text("男", "male"),
}

# -- global paths (§1.1, §2.3) ---------------------------------------------------------------
CONTROLLER_NOT_EXIST: Final = Text("控制器不存在", "Controller does not exist")
ILLEGAL_ACCESS: Final = Text("非法访问", "illegal access")
LOGIN_EXPIRED: Final = Text("登录失效，请重新登录", "Login Failed, please login again")  # lang zh:233 / en:233, [recorded]
SITE_CLOSED_V2: Final = Text("网站维护中...", "Website maintenance...")
SITE_CLOSED: Final = Text("升级中...", "Upgrading...")

# -- the platforms' own words, passed through verbatim (§3.5); never translated ---------------
# Where ShopXO answers a platform's own error field, these are what the platforms say
# (`contract.errors.EXCHANGES` says which platform says which).
RID: Final = "{rid}"  # a WeChat request id (`6583f22d-35b1b023-4a6d02b6`), minted per answer
PLATFORM_CODE_INVALID: Final = "invalid code, rid: {rid}"  # WeChat 40029, and QQ's [recorded]
PLATFORM_CODE_USED: Final = "code been used, rid: {rid}"  # WeChat 40163, and QQ's [recorded]
TOUTIAO_BAD_CODE: Final = "bad code"  # errcode 40018 「code 错误」, for any code it refuses [external: Toutiao]
ALIPAY_CODE_INVALID: Final = "授权码code无效"  # sub_code isv.code-invalid: wrong, used or expired [recorded]
# Baidu (`error_description`) and Kuaishou (`error_msg`) document no text for a refused code:
# the words their stand-ins used in the recordings (decision 10).
BAIDU_CODE_INVALID: Final = "invalid code"
KUAISHOU_CODE_INVALID: Final = "invalid code"
# Kuaishou's exchange goes through ShopXO's `CurlPost`, which answers curl's own error text and
# number (`S/app/common.php:4395-4401`): libcurl's words for the usual failures [external: libcurl].
CURL_ERRORS: Final = {
    6: "Could not resolve host: open.kuaishou.com",
    7: "Failed to connect to open.kuaishou.com port 443 after 0 ms: Couldn't connect to server",
    28: "Operation timed out after 30001 milliseconds with 0 bytes received",  # CurlPost's 30 s
}
CURL_UNREACHABLE: Final = 6  # what an unreachable platform means by default: its host not found

# -- the mock's own answers, for what the real server has no route for ----------------------
NOT_AN_API_PATH: Final = (
    "shopxo-mock: no API here; requests go to /api.php?s=<controller>/<action> "
    "(or /api.php/<controller>/<action>)"
)
INTERNAL_ERROR: Final = "shopxo-mock internal error: {error}"
UNKNOWN_SCENARIO: Final = "shopxo-mock: no scenario named '{name}'{hint}"
# Requests no PHP would read as they are, refused in the envelope (HTTP 400/413, code FAIL): each
# says which bound, and how to raise it where the mock has a flag for it.
TOO_MANY_FIELDS: Final = (
    "shopxo-mock: the {where} has more than {limit} fields (PHP's max_input_vars is 1000 too); "
    "start with --max-fields N to allow more"
)
TOO_DEEP: Final = (
    "shopxo-mock: the parameter {name} is nested {depth} deep; PHP allows {limit} (max_input_nesting_level) "
    "and drops anything deeper"
)
FORM_NOT_TEXT: Final = "shopxo-mock: the form body is not text in its charset ({charset}): {error}"
MULTIPART_UNREADABLE: Final = "shopxo-mock: a multipart part's headers cannot be read: {error}"
# A real route the mock has no model of, and that no scenario file declares: the journal's note,
# and (after "shopxo-mock: ") the answer's msg, with code FAIL.
NO_MODEL_NOTE: Final = (
    "no model of {route}: declare it in a scenario file (action: {route}, reply: {{envelope: {{msg, code, data}}}})"
)
NO_MODEL: Final = "shopxo-mock: " + NO_MODEL_NOTE
# A route a scenario file declares, none of whose scenarios matched the request: the journal's
# note and (after "shopxo-mock: ") the answer's msg, code FAIL; {misses}: each scenario and why not.
NO_SCENARIO_MATCHED_NOTE: Final = "{route} is declared, but none of its scenarios matched this request: {misses}"
NO_SCENARIO_MATCHED: Final = "shopxo-mock: " + NO_SCENARIO_MATCHED_NOTE
# A request from a client newer than the profile's release (`profiles.LaterClient`): the server's
# log and the journal entry's notice say it once per server life.
LATER_CLIENT_ON_V2: Final = (
    "this request comes from today's uni-app client (v6.x: it sends {params}), but the mock answers "
    "as ShopXO v2.2 (pinned: --profile documented): v2.2 answers user/center with -400 without a "
    "login, so whenever this client opens 我的 not logged in (its first launch, after a logout, after "
    "the mock forgot its token) it wipes its storage, its uuid with it, and logs in again; start the "
    "mock with --profile current for today's client, or with no --profile to answer each client as "
    "its own release (documented fits the published page and v2.2-era clients)"
)
