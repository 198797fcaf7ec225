"""The verifiable ledger over HTTP through the gateway, on the stack as `huiqi up` starts it: the
verifier key and the latest checkpoint served to anyone as text; a checkpoint made on demand by
the office, signed by the key the audit service made at its first start, and witnessed; an
entry, its inclusion proof and a consistency proof between two checkpoints, each checked here
against the signed roots with the RFC's algorithms; requests out of range refused naming the
field; and the verdict against the witnessed checkpoints."""
import base64

import requests

from gateway.auth import mint
from services.audit import checkpoint, merkle, note

CODE = "91360702MA35G0QX4J"


def appeal(title: str) -> dict:
    return {"enterprise_name": "赣州稀金新材料有限公司", "uscc": CODE, "title": title,
            "description": "企业反映：设备进口关税减免申请久未批复。", "channel": "direct_line",
            "category": "tax_and_fees", "county": "zhanggong"}


def hashes(values: list[str]) -> list[bytes]:
    return [base64.b64decode(value) for value in values]


def test_checkpoints_and_proofs_over_http(api, tokens):
    office, supervisor = tokens["office"], tokens["supervisor"]
    enterprise = mint("ent-1", "enterprise", uscc=CODE)

    def entered(title: str) -> dict:
        """Raise an appeal and wait for its entry in the ledger."""
        raised = api.call("POST", "/tickets", enterprise, json=appeal(title))
        assert raised.status_code == 201, raised.text
        ticket_id = raised.json()["id"]
        return api.wait_for(lambda: api.call(
            "GET", f"/audit/entries?stream_id={ticket_id}", supervisor).json()["items"])[0]

    # The verifier key, for anyone, as signed-note tools read it.
    key = requests.get(f"{api.base}/api/v1/audit/key", timeout=30)
    assert key.status_code == 200 and key.headers["Content-Type"].startswith("text/plain")
    verifier = note.Verifier.from_text(key.text)

    first_entry = entered("关税减免申请久未批复")
    made = api.call("POST", "/audit/checkpoints", office)
    assert made.status_code == 201, made.text
    first = checkpoint.open(made.json()["note"], verifier)
    assert first.size == made.json()["size"] >= first_entry["seq"]
    assert api.call("POST", "/audit/checkpoints", supervisor).status_code == 403

    # The latest checkpoint, for anyone: this one, or one the timer made since.
    latest = requests.get(f"{api.base}/api/v1/audit/checkpoint", timeout=30)
    assert latest.status_code == 200 and latest.headers["Content-Type"].startswith("text/plain")
    assert checkpoint.open(latest.text, verifier).size >= first.size

    # The entry and its inclusion in the first checkpoint's tree.
    seq = first_entry["seq"]
    entry = api.call("GET", f"/audit/entries/{seq}", supervisor)
    assert entry.status_code == 200 and entry.json() == first_entry
    included = api.call("GET", f"/audit/proofs/inclusion?seq={seq}&size={first.size}", office)
    assert included.status_code == 200, included.text
    proof = included.json()
    assert (proof["seq"], proof["size"], proof["leaf_index"]) == (seq, first.size, seq - 1)
    assert checkpoint.open(proof["checkpoint"], verifier).root == first.root
    leaf = merkle.leaf_hash(bytes.fromhex(entry.json()["hash"]))
    assert base64.b64decode(proof["leaf_hash"]) == leaf
    assert merkle.verify_inclusion(seq - 1, first.size, leaf, hashes(proof["proof"]), first.root)
    # Under another size the same path proves nothing against this root.
    assert not merkle.verify_inclusion(seq - 1, first.size + 1, leaf, hashes(proof["proof"]),
                                       first.root)

    # A later checkpoint extends the first.
    second_entry = entered("进口设备免税额度核定")
    second = checkpoint.open(api.call("POST", "/audit/checkpoints", office).json()["note"],
                             verifier)
    assert second.size >= second_entry["seq"] > first.size
    consistent = api.call("GET", f"/audit/proofs/consistency?from={first.size}&to={second.size}",
                          supervisor)
    assert consistent.status_code == 200, consistent.text
    body = consistent.json()
    assert (body["from"], body["to"]) == (first.size, second.size)
    assert merkle.verify_consistency(first.size, second.size, first.root, second.root,
                                     hashes(body["proof"]))
    # By default, proofs are for the latest checkpoint's size.
    latest_size = checkpoint.open(requests.get(f"{api.base}/api/v1/audit/checkpoint",
                                               timeout=30).text, verifier).size
    defaulted = api.call("GET", f"/audit/proofs/inclusion?seq={second_entry['seq']}", office)
    assert defaulted.json()["size"] == latest_size
    assert api.call("GET", f"/audit/proofs/consistency?from={first.size}",
                    office).json()["to"] == latest_size

    # Out of range, refused naming the field; not the caller's to read, refused.
    for path, field in [
        (f"/audit/proofs/inclusion?seq={first.size + 1}&size={first.size}", "seq"),
        (f"/audit/proofs/inclusion?seq=1&size={10**12}", "size"),
        (f"/audit/proofs/consistency?from={second.size}&to={first.size}", "from"),
        (f"/audit/proofs/consistency?from=1&to={10**12}", "to"),
        ("/audit/proofs/consistency?to=3", "from"),
        ("/audit/proofs/consistency?from=1&colour=red", "colour"),
        ("/audit/entries/0", "seq"),
    ]:
        refused = api.call("GET", path, supervisor)
        assert refused.status_code == 422, (path, refused.text)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
        assert refused.json()["field"] == field, (path, refused.text)
    assert api.call("GET", f"/audit/entries/{10**12}", supervisor).status_code == 404
    for path in (f"/audit/entries/{seq}", f"/audit/proofs/inclusion?seq={seq}",
                 "/audit/proofs/consistency?from=1"):
        assert api.call("GET", path, enterprise).status_code == 403
        assert api.call("GET", path).status_code == 401

    # The verdict: the chain, and the ledger against every checkpoint the witness holds, these
    # two among them (published after their commit).
    verdict = api.call("GET", "/audit/verify", supervisor).json()
    assert verdict["ok"] is True, verdict["reason"]
    assert verdict["chain"]["ok"] is True and verdict["witnessed"] >= 2
    assert verdict["holds_to"] >= second.size
    assert verdict["newest_witnessed"]["size"] >= second.size
