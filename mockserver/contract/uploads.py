"""`personal/useravatarupload` (§4.5): which pictures ShopXO takes and where it puts them, as data.

From `UserService::UserAvatarUpload` (`S/app/service/UserService.php:1071-1212`), `FileUploadError`
(`S/app/common.php:3292-3332`), `base\\Images` (`S/extend/base/Images.php`) and
`FileUtil::FileContentSecurityCheck` (`S/extend/base/FileUtil.php:391-417`).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final, Mapping

FIELD: Final = "file"  # the form field the picture comes in (`$params['img_field'] = 'file'`)

# PHP's upload_max_filesize when php.ini does not set it ("2M"): a bigger file arrives as error 1.
PHP_UPLOAD_MAX_FILESIZE: Final = 2 * 1024 * 1024
UPLOAD_ERR_INI_SIZE: Final = 1
UPLOAD_ERR_PARTIAL: Final = 3  # the body ended inside the file
UPLOAD_ERR_NO_FILE: Final = 4  # the part said filename=""

# At most this many uploads per uploader (the user, else the device's uuid) while the run that
# started the count is younger than the window (`UserService.php:1081-1084`).
MOST_UPLOADS: Final = 5
UPLOAD_WINDOW: Final = 3600.0

# `Images::GetImageType`: the part's declared type, as a MIME type or as the extension itself, ->
# the extension the file is saved under. Anything else (image/webp, application/octet-stream, ...)
# is no picture to ShopXO.
EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "image/gif": "gif",
        "image/png": "png",
        "image/jpeg": "jpg",
        "image/bmp": "bmp",
        "gif": "gif",
        "png": "png",
        "jpg": "jpg",
        "bmp": "bmp",
    }
)

# `Images::ImageCompress` opens the picture with GD by its extension: gif and png with their own
# readers, anything else (jpg, bmp) as a JPEG. The mock checks the signature GD would read.
SIGNATURES: Final[Mapping[str, tuple[bytes, ...]]] = MappingProxyType(
    {
        "gif": (b"GIF87a", b"GIF89a"),
        "png": (b"\x89PNG\r\n\x1a\n",),
        "jpg": (b"\xff\xd8\xff",),
        "bmp": (b"\xff\xd8\xff",),
    }
)

# What the mock serves a kept picture as, by extension (a "bmp" ShopXO took holds JPEG bytes).
CONTENT_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {"gif": "image/gif", "png": "image/png", "jpg": "image/jpeg", "bmp": "image/jpeg"}
)

# `FileContentSecurityCheck`: a file holding any of these is refused (PHP code, scripts, links).
UNSAFE: Final = re.compile(rb"<\?php|<script\b|<[a-z0-9_-]+:script\b|src=|href=|<iframe\b", re.IGNORECASE)

# Where the compressed avatar is kept and served: `/static/upload/images/user_avatar/compr/Y/m/d/`
# + `date('YmdHis')` + shuffled digits + `.ext`, under the attachment host.
PATH_PREFIX: Final = "/static/upload/images/user_avatar/compr/"
PATH: Final = re.compile(re.escape(PATH_PREFIX) + r"\d{4}/\d{2}/\d{2}/\d{14}\d{1,10}\.(?:gif|png|jpg|bmp)")


def extension(declared_type: str) -> str | None:
    """The extension ShopXO saves a part of this declared type under; None: not a picture to it."""
    return EXTENSIONS.get(declared_type)


def readable(data: bytes, ext: str) -> bool:
    """Would GD read these bytes as the picture the extension names, and does the content check pass?"""
    return data.startswith(SIGNATURES[ext]) and UNSAFE.search(data) is None
