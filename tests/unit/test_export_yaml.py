"""Generated manifests stay one field per field: hostile names, paths and mounts add no lines."""

from __future__ import annotations

import base64

import yaml
from hypothesis import given
from hypothesis import strategies as st

from relay_tui.domain.export import external_secret, render

HOSTILE = ["a\nkind: Pod", "x: y", "# c", 'q"uote', "k'ey", "line\r\nbreak", "é\u2028x", "-dash"]


def test_external_secret_fields_survive_a_yaml_parser() -> None:
    fields = {name: f"field-{i}\n  evil: true" for i, name in enumerate(HOSTILE)}
    mount = "secret\napiVersion: evil"
    text = external_secret("relay\nevil: 1", fields, "relay/prod\n#x", mount)
    doc = yaml.safe_load(text)
    assert doc["kind"] == "ExternalSecret" and set(doc) == {
        "apiVersion",
        "kind",
        "metadata",
        "spec",
    }
    got = [
        (d["secretKey"], d["remoteRef"]["property"], d["remoteRef"]["key"])
        for d in doc["spec"]["data"]
    ]
    assert got == [(k, v, "relay/prod\n#x") for k, v in fields.items()]
    assert "\n" not in doc["metadata"]["name"]
    comment_lines = [ln for ln in text.splitlines() if ln.startswith("#")]
    assert len(comment_lines) == 2


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=12), max_size=5))
def test_k8s_secret_data_round_trips(values: dict[str, str]) -> None:
    values = {k: v for k, v in values.items() if "\x00" not in k + v and k.strip() == k}
    try:
        text = render(values, "k8s-secret")
    except Exception:  # a value the exporter refuses (it says so) is fine; a broken manifest is not
        return
    doc = yaml.safe_load(text)
    data = doc.get("data") or {}
    decoded = {k: base64.b64decode(v).decode("utf-8", "surrogatepass") for k, v in data.items()}
    assert decoded == values
