"""ShopXO's API, release by release, as its source has it: every controller under
`app/api/controller/`, its actions and which of them need a login (`contract.routes` reads this).

Read from the public repository gongfuxiang/shopxo: v6.9.0 at commit 69e617b8 (`S/`, the `current`
profile) and v2.2.2 at tag v2.2.2, commit 6cc1bb58 (`S@v2.2.2/`, the `documented` profile).

- A controller's actions are its public methods as PHP spells them (calls ignore the case, §1.1),
  those it inherits from `Base` included. `Common`'s own public plumbing (`__construct`,
  `__destruct`, `__call`, `FormTableInit`) answers no route of its own and is left out; `Common`
  itself can be called (every action of it is 非法访问). `Error` is ThinkPHP's empty controller:
  it is what answers 控制器不存在, not a controller of its own.
- The login check is `Common::IsLogin()` (`Common.php:152-158`, `S@v2.2.2/…/Common.php:139-145`):
  no user for the token, and the escaped -400 envelope ends the request (§2.3).
  `guarded`: the controller's constructor calls it, so it runs before any action, an action the
  controller lacks included (`cart/nosuch` with a bad token answers -400, not 非法访问);
  `exempt`: the actions its constructor leaves out (`in_array($this->action_name, [...])`).
  `login`: actions that call it themselves.
- The comment after each controller is its file and the line of its `IsLogin()` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Controller:
    name: str  # the file name, as `routing.studly` names the class: `Useraddress`
    actions: tuple[str, ...]  # its public methods, as PHP spells them
    guarded: bool = False  # the constructor calls IsLogin(): every action, unknown ones too
    exempt: tuple[str, ...] = ()  # ... except these
    login: tuple[str, ...] = ()  # actions calling IsLogin() themselves


# Base's one action, inherited by the controllers that extend Base rather than Common.
_BASE: Final = ("Common",)

# ShopXO v6.9.0 (S/app/api/controller/, commit 69e617b8): 36 controllers.
V6_9: Final = (
    Controller("Agreement", ("Index",)),  # Agreement.php
    Controller("Article", ("Index", "DataList", "Detail")),  # Article.php
    Controller(  # Attachmentapi.php (extends Base)
        "Attachmentapi",
        ("List", "Category", "Save", "Delete", "Upload", "Catch", "ScanUploadData", "MoveCategory",
         "CategorySave", "CategoryDelete", *_BASE),
    ),  # fmt: skip
    Controller("Base", _BASE),  # Base.php
    Controller("Buy", ("Index", "Add"), guarded=True),  # Buy.php:43
    Controller("Cart", ("Index", "Save", "Delete", "Stock"), guarded=True),  # Cart.php:39
    Controller("Cashier", ("PayData",)),  # Cashier.php
    Controller("Common", ()),  # Common.php
    Controller("Crontab", ("OrderClose", "OrderSuccess", "PayLogOrderClose", "GoodsGiveIntegral", "OrderDeliverySyncWeixin")),  # Crontab.php
    Controller("Customview", ("Index",)),  # Customview.php
    Controller("Design", ("Index",)),  # Design.php
    Controller(  # Devtest.php: upgrade scripts, each refused without its password
        "Devtest",
        ("Index", "OrderAddress", "GoodsInventoryHandle", "PayLogHandle", "RefundLogHandle", "MessageHandle",
         "BrandCategoryHandle", "Fanyi", "PluginsFanyi", "MyFanyi", "FanyiData", "Region"),
    ),  # fmt: skip
    Controller("Diy", ("Index",)),  # Diy.php
    Controller(  # Diyapi.php (extends Base)
        "Diyapi",
        ("GoodsList", "CustomViewList", "DesignList", "ArticleList", "BrandList", "DiyList", "GoodsAppointData",
         "GoodsAutoData", "ArticleAppointData", "ArticleAutoData", "BrandAppointData", "BrandAutoData",
         "UserHeadData", "GoodsFavorAutoData", "GoodsBrowseAutoData", "CustomInit", "GoodsMagicInit", *_BASE),
    ),  # fmt: skip
    Controller("Forminput", ("Index", "VerifySend", "VerifyEntry")),  # Forminput.php
    Controller("Forminputdata", ("Index", "Detail", "Save", "Delete"), guarded=True, exempt=("Save",)),  # Forminputdata.php:40-42
    Controller(  # Goods.php:153
        "Goods",
        ("Detail", "Favor", "SpecType", "SpecDetail", "Stock", "Category", "GoodsScore", "Comments"),
        login=("Favor",),
    ),
    Controller("Index", ("Index",)),  # Index.php
    Controller("Message", ("Index",), guarded=True),  # Message.php:39
    Controller("Navigation", ("Index",)),  # Navigation.php
    Controller(  # Order.php:43
        "Order",
        ("Index", "Detail", "Comments", "CommentsSave", "Pay", "Cancel", "Collect", "Delete", "PayCheck"),
        guarded=True,
    ),
    Controller("Orderaftersale", ("Index", "Detail", "Create", "Delivery", "Cancel"), guarded=True),  # Orderaftersale.php:40
    Controller("Ordernotify", ("Notify",)),  # Ordernotify.php
    Controller("Paylog", ("Index", "Detail"), guarded=True),  # Paylog.php:38
    Controller("Personal", ("Index", "Save", "UserAvatarUpload"), guarded=True, exempt=("UserAvatarUpload",)),  # Personal.php:38-40
    Controller("Plugins", ("Index", "GetClassVars")),  # Plugins.php
    Controller("Region", ("Index", "All", "CodeData")),  # Region.php
    Controller("Safety", ("LoginPwdUpdate", "Logout"), guarded=True),  # Safety.php:38
    # Search.php:54,106: Index and DataList check the login only when the admin setting
    # home_search_is_login_required names the client type; it is empty on a fresh install.
    Controller("Search", ("Index", "DataList", "Start")),
    Controller("Ueditor", ("Index",)),  # Ueditor.php
    Controller(  # User.php; Center answers guest data without a login (User.php:263)
        "User",
        ("Login", "LoginVerifySend", "Reg", "RegVerifySend", "ForgetPwd", "ForgetPwdVerifySend", "AppMobileBind",
         "AppMobileBindVerifySend", "AppEmailBind", "AppEmailBindVerifySend", "UserVerifyEntry", "TokenUserinfo",
         "AppMiniUserAuth", "AppMiniUserInfo", "Center", "OnekeyUserMobileBind", "OnekeyUserMobileDecrypt",
         "UserBaseReg"),
    ),  # fmt: skip
    Controller(  # Useraddress.php:41
        "Useraddress",
        ("Index", "Detail", "Save", "Delete", "SetDefault", "Extraction", "OutSystemAdd"),
        guarded=True,
    ),
    Controller("Usergoodsbrowse", ("Index", "Delete"), guarded=True),  # Usergoodsbrowse.php:39
    Controller("Usergoodscomments", ("Index", "Detail", "Save", "Delete"), guarded=True),  # Usergoodscomments.php:39
    Controller("Usergoodsfavor", ("Index", "Cancel"), guarded=True),  # Usergoodsfavor.php:39
    Controller("Userintegral", ("Index",), guarded=True),  # Userintegral.php:39
)

# ShopXO v2.2.2 (S@v2.2.2/app/api/controller/, tag v2.2.2, commit 6cc1bb58): 27 controllers.
V2_2_2: Final = (
    Controller("Agreement", ("Index",)),  # Agreement.php
    Controller("Answer", ("Index", "Add", "Square"), login=("Index", "Add")),  # Answer.php:50,96
    Controller("Article", ("Index", "DataList", "Detail")),  # Article.php
    Controller("Banner", ("Index",)),  # Banner.php
    Controller("Base", _BASE),  # Base.php
    Controller("Buy", ("Index", "Add"), guarded=True),  # Buy.php:42
    Controller("Cart", ("Index", "Save", "Delete", "Stock"), guarded=True),  # Cart.php:39
    Controller("Common", ()),  # Common.php
    Controller("Crontab", ("OrderClose", "OrderSuccess", "PayLogOrderClose")),  # Crontab.php
    Controller("Design", ("Index",)),  # Design.php
    Controller(  # Devtest.php
        "Devtest",
        ("Index", "OrderAddress", "GoodsInventoryHandle", "PayLogHandle", "RefundLogHandle", "MessageHandle",
         "BrandCategoryHandle"),
    ),  # fmt: skip
    Controller(  # Goods.php:147
        "Goods",
        ("Detail", "Favor", "SpecType", "SpecDetail", "Stock", "Category", "GoodsScore", "Comments"),
        login=("Favor",),
    ),
    Controller("Index", ("Index",)),  # Index.php
    Controller("Message", ("Index",), guarded=True),  # Message.php:39
    Controller("Navigation", ("Index",)),  # Navigation.php
    Controller(  # Order.php:43
        "Order",
        ("Index", "Detail", "Comments", "CommentsSave", "Pay", "Cancel", "Collect", "Delete"),
        guarded=True,
    ),
    Controller("Orderaftersale", ("Index", "Aftersale", "Create", "Delivery", "Cancel"), guarded=True),  # Orderaftersale.php:40
    Controller("Ordernotify", ("Notify",)),  # Ordernotify.php
    Controller("Plugins", ("Index", "GetClassVars")),  # Plugins.php
    Controller("Region", ("Index", "All")),  # Region.php
    Controller("Search", ("Index", "DataList")),  # Search.php
    Controller("Ueditor", ("Index",), guarded=True),  # Ueditor.php:38
    Controller(  # User.php:724 (Center needs a login in v2.2.2)
        "User",
        ("Login", "LoginVerifySend", "Reg", "RegVerifySend", "ForgetPwd", "ForgetPwdVerifySend", "UserVerifyEntry",
         "AppMobileBind", "AppMobileBindVerifySend", "AlipayUserAuth", "AlipayUserInfo", "WechatUserAuth",
         "WechatUserInfo", "BaiduUserAuth", "BaiduUserInfo", "ToutiaoUserAuth", "ToutiaoUserInfo", "QQUserAuth",
         "QQUserInfo", "AppMiniUserAuth", "AppMiniUserInfo", "Center", "OnekeyUserMobileBind"),
        login=("Center",),
    ),  # fmt: skip
    Controller(  # Useraddress.php:41
        "Useraddress",
        ("Index", "Detail", "Save", "Delete", "SetDefault", "Extraction", "OutSystemAdd"),
        guarded=True,
    ),
    Controller("Usergoodsbrowse", ("Index", "Delete"), guarded=True),  # Usergoodsbrowse.php:39
    Controller("Usergoodsfavor", ("Index", "Cancel"), guarded=True),  # Usergoodsfavor.php:39
    Controller("Userintegral", ("Index",), guarded=True),  # Userintegral.php:39
)
