"""`index/index` (§4.6): the home tab of a fresh ShopXO v6.9 install, from the install's own rows.

`data/home_v6.9.json` holds the rows the home page's services read from `config/shopxo.sql`
(`S/config/shopxo.sql`), already selected and ordered as they select them: the enabled home
navigation (`AppHomeNavService::AppHomeNav`: sort, id), the enabled slides (`SlideService::
SlideList`), the nine newest home-recommended articles (`ArticleService::RecommendedArticleList`,
with their category names), and the goods floors of the automatic mode the install is in
(`GoodsService::HomeFloorList`, `home_index_floor_data_type` 0): each home-recommended top
category with the ids of its eight newest goods on the shelves (its sub-categories included,
order type 4: `g.id desc`), its left-hand categories and keywords, and those goods' rows.

This module adds what those services compute per request, in their key order: the client type's
navigation and slides (`platform`), picture paths under the attachment host (the mock's own
address, which serves them: `web.images`), the article links, and the fields `GoodsDataHandle`
adds to a goods row. The goods rows (every column) and what `GoodsDataHandle` looks up for
each (`goods_added`: photos, region and brand names, specifications) were taken from a real
v6.9.0 install's answer (tests/golden/recorded-v6.9/index_index_ok.http), `{host}` standing for
its attachment host. No plugin is installed, so there are no `plugins_*_data` keys and
`plugins_sort_list` is empty. The floors' left-hand categories are in the order that answer lists
them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import unescape
from importlib import resources
from typing import Any, Final, Mapping

from . import messages as m

DATA_MODE: Final = "0"  # a setting, so a string; automatic floors (`home_index_floor_data_type`)
CURRENCY_SYMBOL: Final = "￥"  # `shopxo.currency_symbol`, as base/common sends it
EVENT_TYPE_MAP: Final = 3  # 打开地图: `event_value` is "name|address|lng|lat", split into event_value_data
CATEGORY_PICTURES: Final = ("icon", "icon_active", "realistic_images", "big_images")  # GoodsCategoryDataHandle

_ROWS: Final[Mapping[str, Any]] = json.loads(
    resources.files(__package__).joinpath("data", "home_v6.9.json").read_text(encoding="utf-8")
)
SITE_TYPE_SHOW_ONLY: Final = 4  # a goods row only shown, not sold: `is_error` with its reason


_HOSTED_PICTURE = re.compile(r"\{host\}(/static/[^\"'\s]+)")


def _pictures() -> frozenset[str]:
    paths = {row["images_url"] for row in (*_ROWS["app_home_nav"], *_ROWS["slide"])}
    for floor in _ROWS["floors"]:
        for category in (floor["category"], *floor["items"]):
            paths.update(category[field] for field in CATEGORY_PICTURES)
    paths.update(goods["images"] for goods in _ROWS["goods"])
    # and every picture the goods rows and their photos link to under the install's host
    paths.update(_HOSTED_PICTURE.findall(json.dumps([_ROWS["goods"], _ROWS["goods_added"]], ensure_ascii=False)))
    return frozenset(path for path in paths if path.startswith("/static/"))


# Every picture path the home page names: the mock serves a placeholder at each (`web.images`).
PICTURES: Final = _pictures()


def attachment(path: str, host: str) -> str:
    """`ResourcesService::AttachmentPathViewHandle`: a stored path under the attachment host."""
    return host + path if path and not path.startswith("http") else path


@lru_cache(maxsize=64)
def home_data(host: str, client_type: str, application: str, lang: str, logged_in: bool) -> Mapping[str, Any]:
    """`data` of the `index/index` answer for a new user (or a guest), worked out once per
    attachment host, client type, application, language and login. Read only."""
    return {
        "data_mode": DATA_MODE,
        "navigation": [_linked(row, host) for row in _ROWS["app_home_nav"] if _shown_on(row, client_type)],
        "banner_list": [_linked(row, host) for row in _ROWS["slide"] if _shown_on(row, client_type)],
        "data_list": _floors(host, client_type, lang),
        "article_list": [_article(row, index, host, application) for index, row in enumerate(_ROWS["article"], 1)],
        "right_icon_list": right_icons(lang, message_total=0),
        "cart_total": cart_total(logged_in),
        "message_total": 0,
        "plugins_sort_list": [],
    }


def cart_total(logged_in: bool) -> dict[str, int]:
    """`GoodsCartService::UserGoodsCartTotal` of an empty cart: the SUM row with its NULLs made 0
    for a user; the literal `['buy_number'=>0, 'total_price'=>0.00]` for a guest (0.00 is written
    0 by json_encode)."""
    return {"total_price": 0, "buy_number": 0} if logged_in else {"buy_number": 0, "total_price": 0}


def right_icons(lang: str, message_total: int) -> list[dict[str, Any]]:
    """`AppService::HomeRightIconList`."""
    return [
        {"name": m.RIGHT_ICON_FAVOR.in_lang(lang), "icon": "icon-star", "url": "/pages/user-favor/user-favor"},
        {
            "name": m.RIGHT_ICON_MESSAGE.in_lang(lang),
            "icon": "icon-message",
            "badge": message_total,
            "url": "/pages/message/message",
        },
    ]


def _shown_on(row: Mapping[str, Any], client_type: str) -> bool:
    """A navigation entry or slide is shown on the client types its `platform` lists."""
    platform = str(row["platform"])
    try:
        listed = json.loads(platform)
    except ValueError:
        listed = None
    return (isinstance(listed, list) and client_type in listed) or platform == client_type


def _linked(row: Mapping[str, Any], host: str) -> dict[str, Any]:
    """A navigation entry or slide as `AppHomeNav` / `SlideList` hand it out."""
    linked = {**row, "images_url": attachment(row["images_url"], host)}
    value = row["event_value"]
    if value:
        if row["event_type"] == EVENT_TYPE_MAP:
            linked["event_value_data"] = value.split("|")
        linked["event_value"] = unescape(value)
    else:
        linked["event_value"] = None
    return linked


def _article(row: Mapping[str, Any], index: int, host: str, application: str) -> dict[str, Any]:
    """`ArticleListHandle` of `id,title,title_color,article_category_id`: links per application."""
    article_id, category_id = row["id"], row["article_category_id"]
    web = application == "web"
    return {
        "id": article_id,
        "title": row["title"],
        "title_color": row["title_color"],
        "article_category_id": category_id,
        "data_index": index,
        "url": (
            f"{host}/?s=article/index/id/{article_id}.html" if web else f"/pages/article-detail/article-detail?id={article_id}"
        ),
        "article_category_name": row["article_category_name"],
        "category_url": (
            f"{host}/?s=article/category/id/{category_id}.html"
            if web
            else f"/pages/article-category/article-category?id={category_id}"
        ),
    }


def _floors(host: str, client_type: str, lang: str) -> list[dict[str, Any]]:
    goods = {row["id"]: _goods(row, index, host, client_type, lang) for index, row in enumerate(_ROWS["goods"], 1)}
    return [
        {
            **_category(floor["category"], host),
            "goods_ids": floor["goods_ids"],
            "goods": [goods[goods_id] for goods_id in floor["goods_ids"] if goods_id in goods],
            "items": [_category(item, host) for item in floor["items"]],
            "config_keywords": floor["config_keywords"],
        }
        for floor in _ROWS["floors"]
    ]


def _category(row: Mapping[str, Any], host: str) -> dict[str, Any]:
    return {key: attachment(value, host) if key in CATEGORY_PICTURES else value for key, value in row.items()}


def _hosted(value: Any, host: str) -> Any:
    """A stored value with the attachment host put where the install's answer had its own."""
    if isinstance(value, str):
        return value.replace("{host}", host)
    if isinstance(value, list):
        return [_hosted(item, host) for item in value]
    if isinstance(value, dict):
        return {key: _hosted(item, host) for key, item in value.items()}
    return value


def _goods(row: Mapping[str, Any], index: int, host: str, client_type: str, lang: str) -> dict[str, Any]:
    """A goods row and what `GoodsService::GoodsDataHandle` adds to it for the home floors
    (`is_spec`, `is_cart`; the settings are strings, as the config table holds them)."""
    config = _ROWS["config"]
    unit = f" / {row['inventory_unit']}" if row["inventory_unit"] else ""
    goods_id = row["id"]
    show_only = row["site_type"] == SITE_TYPE_SHOW_ONLY
    return {
        **{key: attachment(value, host) if key == "images" else _hosted(value, host) for key, value in row.items()},
        "data_index": index,
        "show_field_original_price_text": m.GOODS_ORIGINAL_PRICE_TITLE.in_lang(lang),
        "show_original_price_symbol": CURRENCY_SYMBOL,
        "show_original_price_unit": unit if config["common_goods_original_price_unit_status"] == "1" else "",
        "show_field_original_price_status": config["common_goods_original_price_status"],
        "show_field_price_text": m.GOODS_SALES_PRICE_TITLE.in_lang(lang),
        "show_price_symbol": CURRENCY_SYMBOL,
        "show_price_unit": unit if config["common_goods_sales_price_unit_status"] == "1" else "",
        "show_field_price_status": config["common_goods_sales_price_status"],
        "show_sales_number_status": config["common_goods_sales_number_status"],
        "show_inventory_status": config["common_goods_inventory_status"],
        "plugins_view_panel_data": [],
        "plugins_view_icon_data": [],
        "price_container": {
            key: row[key]
            for key in ("price", "min_price", "max_price", "original_price", "min_original_price", "max_original_price")
        },
        "goods_url": (
            f"{host}/?s=goods/index/id/{goods_id}.html"
            if client_type == "pc"
            else f"/pages/goods-detail/goods-detail?id={goods_id}"
        ),
        **_hosted(_ROWS["goods_added"][str(goods_id)], host),
        "user_cart_count": 0,
        "is_error": 1 if show_only else 0,
        "error_msg": m.GOODS_ONLY_SHOW.in_lang(lang) if show_only else "",
    }
