"""The SDK's hook table must say what the proto's hook_contract options say, read back from the
compiled descriptor: a stale hook_contracts_gen.py, or a row whose reply field is not the proto's,
fails here."""

from __future__ import annotations

from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.hook_contracts_gen import HOOK_CONTRACTS
from hookd_plugin.hooks import HOOKS


def _contracts_in_the_descriptor() -> dict[str, pb.HookContract]:
    found = {}
    for method in pb.DESCRIPTOR.services_by_name["Plugin"].methods:
        options = method.GetOptions()
        if options.HasExtension(pb.hook_contract):
            found[method.name] = options.Extensions[pb.hook_contract]
    return found


def test_the_generated_contracts_are_the_descriptors_options():
    from_proto = _contracts_in_the_descriptor()
    assert [contract.rpc for contract in HOOK_CONTRACTS] == list(from_proto)
    for contract in HOOK_CONTRACTS:
        option = from_proto[contract.rpc]
        assert (contract.name, contract.hook, contract.combine, contract.default_failure_policy,
                contract.default_timeout_ms, contract.document_field, contract.reply_field, contract.raw_document) == (
            option.name, option.hook, option.combine, option.default_failure_policy,
            option.default_timeout_ms, option.document_field, option.reply_field, option.raw_document), contract.rpc


def test_every_hook_row_serves_the_rpc_and_hook_value_of_its_contract():
    from_proto = _contracts_in_the_descriptor()
    rows = {spec.rpc: spec for spec in HOOKS if spec.hook is not None}
    assert sorted(rows) == sorted(from_proto)
    for rpc, option in from_proto.items():
        spec = rows[rpc]
        method = pb.DESCRIPTOR.services_by_name["Plugin"].methods_by_name[rpc]
        assert spec.hook == option.hook, rpc
        assert spec.request_type.DESCRIPTOR is method.input_type, rpc
        assert spec.response_type.DESCRIPTOR is method.output_type, rpc
        if option.combine == pb.COMBINE_MERGE:
            # A document hook's reply names the proto's reply field.
            assert spec.reply.to_python(spec.response_type(**{option.reply_field: pb.JsonDocument(json=b"{}")})) == {}, rpc


def test_every_hook_value_is_served_by_exactly_one_row():
    values = [value for value in pb.Hook.values() if value != pb.HOOK_UNSPECIFIED]
    served = [spec.hook for spec in HOOKS if spec.hook is not None]
    assert sorted(served) == sorted(values)
