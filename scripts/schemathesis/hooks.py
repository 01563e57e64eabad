"""Schemathesis hooks for the court API (scripts/api-fuzz).

A document's upload carries a PDF, which the portal recognises by its
content: no schema can make a fuzzer draw one. Where the drawn upload is
otherwise what the schema allows, the file becomes a small PDF and the
metadata stops naming records that do not exist (an event or parties of
the case), so that the fuzzer checks every other rule of the upload with
positive_data_acceptance. This is done just before each call, in every
phase; Schemathesis then judges the request as sent, so an upload made
invalid on purpose stays judged invalid.
"""

import re

import schemathesis

DOCUMENT = ("PUT", "/api/v1/cases/{case_ref}/documents/{document_ref}")
# Text, so that Schemathesis, judging the request as sent, reads the
# `format: binary` string the schema describes.
PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _reference_rule(ctx):
    schema = ctx.operation.schema.raw_schema
    return re.compile(schema["paths"][DOCUMENT[1]]["put"]["parameters"][1]["schema"]["pattern"])


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    operation = ctx.operation
    body = case.body
    if operation is None or (operation.method.upper(), operation.path) != DOCUMENT or not isinstance(body, dict):
        return
    if isinstance(body.get("file"), (bytes, bytearray, str)):
        body["file"] = PDF
    metadata = body.get("metadata")
    if isinstance(metadata, dict):
        reference = _reference_rule(ctx)
        event_ref = metadata.get("event_ref")
        if isinstance(event_ref, str) and reference.search(event_ref):
            metadata["event_ref"] = None
        addressees = metadata.get("addressees")
        if isinstance(addressees, list) and all(isinstance(a, str) and reference.search(a) for a in addressees):
            metadata["addressees"] = []
