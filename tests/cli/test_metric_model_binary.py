"""Start-up (issue 18): the figure metric model ships as safetensors made from its JSON file; the model
read from it is the JSON model, weight for weight, and predicts the same."""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import pytest

from gsnlp.figures.binding import MetricModel, _from_binary, binary_model, load_model

DATA = Path(__file__).resolve().parents[2] / "gsnlp" / "figures" / "data"
REGENERATE = ("regenerate: python -c \"from pathlib import Path; from gsnlp.figures.binding import binary_model as b; "
              "d = Path('gsnlp/figures/data'); (d / 'metric_model.safetensors').write_bytes("
              "b((d / 'metric_model.json').read_bytes()))\"")


def _json_model() -> MetricModel:
    return MetricModel.from_json(json.loads((DATA / "metric_model.json").read_bytes()))


def _bits(m: MetricModel) -> tuple[object, ...]:
    """Every number of the model as its 8 bytes (so 0.0 and -0.0 differ)."""
    w = tuple((f, struct.pack(f"<{len(v)}d", *v)) for f, v in m.weights.items())
    return (m.classes, struct.pack(f"<{len(m.bias)}d", *m.bias), w, m.add, m.override, m.margin, m.accuse, m.meta)


def test_shipped_binary_is_made_from_the_shipped_json() -> None:
    raw = (DATA / "metric_model.json").read_bytes()
    assert _from_binary((DATA / "metric_model.safetensors").read_bytes(), raw) is not None, REGENERATE


def test_binary_model_equals_the_json_model_bit_for_bit() -> None:
    raw = (DATA / "metric_model.json").read_bytes()
    got = _from_binary(binary_model(raw), raw)
    assert got is not None
    want = _json_model()
    assert got == want
    assert _bits(got) == _bits(want)
    assert list(got.weights) == list(want.weights)  # feature order kept (to_json sorts anyway)
    assert got.to_json() == want.to_json()


def test_load_model_reads_the_binary_and_predicts_as_the_json_model() -> None:
    load_model.cache_clear()
    got = load_model()
    assert got is not None
    want = _json_model()
    assert _bits(got) == _bits(want)
    feats = list(want.weights)
    rnd = random.Random(18)
    for _ in range(500):
        fs = rnd.sample(feats, rnd.randint(0, 12)) + [f"unknown:{rnd.random()}"] * rnd.randint(0, 1)
        assert got.proba(fs) == want.proba(fs)


def test_a_stale_or_broken_binary_is_not_used() -> None:
    raw = (DATA / "metric_model.json").read_bytes()
    data = binary_model(raw)
    assert _from_binary(data, raw + b"\n") is None  # the JSON changed: the binary is stale
    assert _from_binary(data[:-8], raw) is None  # a weight missing


def test_a_model_with_a_missing_weight_is_refused() -> None:
    d = json.loads((DATA / "metric_model.json").read_bytes())
    f = next(iter(d["weights"]))
    d["weights"][f] = d["weights"][f][:-1]
    with pytest.raises(ValueError, match="one weight per class"):
        binary_model(json.dumps(d).encode("utf-8"))


def test_the_binary_is_a_safetensors_file() -> None:
    np = pytest.importorskip("numpy")
    st = pytest.importorskip("safetensors.numpy")
    got = st.load(binary_model((DATA / "metric_model.json").read_bytes()))
    want = _json_model()
    assert got["weights"].dtype == np.float64
    assert got["weights"].shape == (len(want.weights), len(want.classes))
    assert np.array_equal(got["weights"], np.array(list(want.weights.values())))
    assert np.array_equal(got["bias"], np.array(want.bias))
