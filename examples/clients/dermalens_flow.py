#!/usr/bin/env python3
"""The DermaLens flow of examples/dermalens.sh, with the Python client generated from
examples/openapi/dermalens.json and nothing else: register, log in, upload a scan image, scan
records queried by date, chat messages by session, a treatment plan, a problem answer, then the
account deleted. Asserts every answer; exits 1 on the first mismatch.

    ./mvnw generate-test-resources        # the client: target/generated-clients/python-dermalens
    ./coffer serve --config examples/dermalens.toml &
    PYTHONPATH=target/generated-clients/python-dermalens python3 examples/clients/dermalens_flow.py

BASE (default http://127.0.0.1:8080) names the server, as for the curl scripts. With SERVICE_KEY set
to a service key the server accepts, the flow also calls as a back end on the user's behalf.
"""
import os
import sys
import uuid

from coffer_dermalens import (ApiClient, AuthApi, Configuration, FilesApi, LoginRequest, MessagesItemInput,
                              PlansItemInput, RecordsApi, RegisterRequest, ScansItemInput)
from coffer_dermalens.exceptions import NotFoundException, UnauthorizedException

BASE = os.environ.get("BASE", "http://127.0.0.1:8080")
SERVICE_KEY = os.environ.get("SERVICE_KEY")   # optional: a service key the server accepts (auth.service_keys)


def step(what):
    print("== " + what, flush=True)


def expect(actual, wanted, what):
    if actual != wanted:
        print(f"MISMATCH {what}: got {actual!r}, wanted {wanted!r}", file=sys.stderr)
        sys.exit(1)
    print(f"ok {what}: {actual!r}", flush=True)


def main():
    email = f"derma-{uuid.uuid4().hex[:8]}@example.com"
    anonymous = ApiClient(Configuration(host=BASE))

    step("register")
    profile = AuthApi(anonymous).register(RegisterRequest(email=email, password="skin-care-2026", full_name="Dee Derma"))
    expect(profile.email, email, "registered email")

    step("login")
    tokens = AuthApi(anonymous).login(LoginRequest(email=email, password="skin-care-2026"))
    expect(tokens.token_type, "bearer", "token type")
    # File paths keep their '/' (the API refuses %2F), so '/' is not escaped in path parameters.
    user = ApiClient(Configuration(host=BASE, access_token=tokens.access_token, safe_chars_for_path_param="/"))
    auth, files, records = AuthApi(user), FilesApi(user), RecordsApi(user)
    expect(auth.whoami().user_id, profile.user_id, "whoami user id")

    step("upload a scan image")
    image = b"\xff\xd8fake-jpeg"
    stored = files.upload_file("scans/scan-1.jpg", image, _headers={"Content-Type": "image/jpeg"})
    expect((stored.path, stored.size, stored.content_type), ("scans/scan-1.jpg", len(image), "image/jpeg"), "stored image")
    listing = files.list_files(prefix="scans/")
    expect(([f.path for f in listing.files], listing.next_cursor), (["scans/scan-1.jpg"], None), "files under scans/")
    expect(bytes(files.download_file("scans/scan-1.jpg")), image, "downloaded image")

    step("scan records")
    for date in ["2026-01-03", "2026-01-10", "2026-01-20"]:
        scan = records.create_scans_item(ScansItemInput.from_dict(
            {"scan_date": date, "image_path": "scans/scan-1.jpg", "diagnosis": "benign"}))
        expect((scan.scan_date, scan.version, scan.additional_properties.get("diagnosis")), (date, 1, "benign"), "created scan")

    step("scans from 2026-01-05 to 2026-01-31, newest first")
    page = records.list_scans_items(index="scan-date-index", var_from="2026-01-05", to="2026-01-31", order="desc")
    expect([s.scan_date for s in page.items], ["2026-01-20", "2026-01-10"], "scan dates")
    expect(page.next_cursor, None, "next cursor of the last page")

    step("chat in two sessions")
    sent = []
    for i in [1, 2]:
        for session in ["s-1", "s-2"]:
            message = records.create_messages_item(MessagesItemInput.from_dict(
                {"session_id": session, "text": f"{session} message {i}"}))
            if session == "s-1":
                sent.append(message.message_id)

    step("session s-1 (message ids are ULIDs: sort by them for time order)")
    session = sorted(records.list_messages_items(index="session-index", eq="s-1").items, key=lambda m: m.message_id)
    expect([m.additional_properties["text"] for m in session], ["s-1 message 1", "s-1 message 2"], "session s-1 texts")
    expect([m.message_id for m in session], sent, "session s-1 ids")

    step("treatment plan")
    plan = records.create_plans_item(PlansItemInput.from_dict({"steps": ["sunscreen daily"]}))
    expect(plan.additional_properties["steps"], ["sunscreen daily"], "plan steps")

    if SERVICE_KEY:
        step("a back end's service key acting for this user (Authorization and X-Coffer-User)")
        backend = ApiClient(Configuration(host=BASE, access_token=SERVICE_KEY, api_key={"onBehalfOf": profile.user_id}))
        identity = AuthApi(backend).whoami()
        expect((identity.user_id, identity.kind), (profile.user_id, "service"), "service key caller")
        expect(len(RecordsApi(backend).list_scans_items().items), 3, "scans the service key sees for the user")

    step("a missing scan is an RFC 9457 problem")
    try:
        records.get_scans_item("no-such-scan")
        expect("200", "404", "missing scan")
    except NotFoundException as e:
        expect((e.status, e.data.code), (404, "not_found"), "missing scan problem")

    step("delete the account (records and files go too)")
    auth.delete_account()
    try:
        auth.get_profile()
        expect("200", "401", "deleted account's token")
    except UnauthorizedException as e:
        expect((e.status, e.data.code), (401, "unauthorized"), "deleted account's token")
    try:
        AuthApi(anonymous).login(LoginRequest(email=email, password="skin-care-2026"))
        expect("200", "401", "login after deletion")
    except UnauthorizedException as e:
        expect((e.status, e.data.code), (401, "unauthorized"), "login after deletion")
    print("done", flush=True)


if __name__ == "__main__":
    main()
