from __future__ import annotations

import pytest

from gsnlp.errors import BinaryInputError, EmptyInputError, EncodingError, InputError
from gsnlp.io.decode import decode

TEXT = "平潭综合实验区2023年度政府信息公开工作年度报告\n一、总体情况\n"


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_decode_detects_encoding(enc: str) -> None:
    text, found = decode(TEXT.encode(enc), "x.txt")
    assert text.lstrip("\ufeff") == TEXT


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\x00\x00"])
def test_decode_rejects_empty(data: bytes) -> None:
    with pytest.raises(EmptyInputError) as e:
        decode(data, "empty.txt")
    assert "empty.txt" in str(e.value)


def test_decode_rejects_binary() -> None:
    with pytest.raises(BinaryInputError):
        decode(bytes(range(256)) * 20, "blob.bin")


def test_decode_error_is_a_value_error_with_advice() -> None:
    with pytest.raises(ValueError) as e:
        decode(b"\x81\x30\x81" + "中文".encode("utf-8") + b"\xff\xfe\xfd" * 3, "bad.txt")
    assert isinstance(e.value, InputError)
    assert "bad.txt" in str(e.value)
    assert isinstance(e.value, (EncodingError, BinaryInputError))
