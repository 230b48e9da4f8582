"""moto_server with IAM authorization that sees the request context real IAM evaluates.

moto 5.2.1 enforces identity policies (INITIAL_NO_AUTH_ACTION_COUNT), but for the calls Coffer
makes it leaves gaps that would let a wrong policy pass or deny a right one:

1. DynamoDB requests are authorised against resource "*" (DynamoHandler has no
   _determine_resource), so any policy scoped to table ARNs is denied; and TransactWriteItems is
   checked as an action of its own, while IAM checks each item (PutItem, UpdateItem, DeleteItem,
   ConditionCheckItem) on its table, and BatchWriteItem on each table it names.
2. S3 requests carry no condition keys, and StringLike is not an operator moto knows (unknown
   operators count as true), so a ListBucket restricted by s3:prefix is never really checked.
   IAM passes s3:prefix for ListBucket only, and a condition on a key the request lacks fails.
3. DeleteObjects is checked as s3:DeleteObject on the bucket ARN, which no object-scoped policy
   allows; IAM checks s3:DeleteObject on each object named in the request.
4. The query string is canonicalised decoded, so every SigV4 request whose query holds '/' (any
   ListObjectsV2 under a prefix) fails with SignatureDoesNotMatch.
5. DynamoDB Streams requests are checked as dynamodbstreams:<Action> on "*"; IAM checks
   dynamodb:<Action> on the stream's ARN (table/NAME/stream/LABEL; GetRecords names it through
   its shard iterator, which moto writes as "<stream arn>|1|<id>").

This launcher fills those gaps through moto's own hooks and then runs moto.server.main(). Which
statement matches which action and ARN (wildcards, Allow/Deny) is still moto's evaluation.
With COFFER_MOTO_AUTHORIZATION_LOG set, every request context IAM allowed (principal, action,
resource, condition keys) is appended to that file as one JSON line, so a test can compare what
a policy grants with what was actually used.
Used by the tests only (MotoServer.startWithResourceAuthorization).
"""

import fnmatch
import json
import os
import sys
import threading

import xmltodict
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.iam import access_control, policy_conditions
from moto.iam.access_control import IAMRequest, PermissionResult, S3IAMRequest
from moto.s3.responses import S3Response
from moto.server import main

# -- The authorization log. ---------------------------------------------------------------------
_LOG_PATH = os.environ.get("COFFER_MOTO_AUTHORIZATION_LOG")
_LOG_LOCK = threading.Lock()


def _log_allowed(request, resource, conditions):
    if _LOG_PATH:
        line = json.dumps({"principal": request._access_key.arn, "action": request._action, "resource": resource,
                           "conditions": conditions or {}})
        with _LOG_LOCK, open(_LOG_PATH, "a", encoding="utf-8") as log:
            log.write(line + "\n")


_original_iam_check = IAMRequest.check_action_permitted


def _check_and_log(self, resource):
    _original_iam_check(self, resource)
    _log_allowed(self, resource, None)


IAMRequest.check_action_permitted = _check_and_log


# -- 4: SigV4 canonical query: every name and value URI-encoded, as the signer did. --------------
_original_create_aws_request = access_control.IAMRequestBase._create_aws_request


def _canonical_query(query):
    pairs = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append(quote(unquote(name), safe="-_.~") + "=" + quote(unquote(value), safe="-_.~"))
    return "&".join(pairs)


def _create_aws_request(self):
    request = _original_create_aws_request(self)
    parts = urlsplit(request.url)
    request.url = urlunsplit(parts._replace(query=_canonical_query(parts.query)))
    return request


access_control.IAMRequestBase._create_aws_request = _create_aws_request


# -- 2: condition keys for S3, StringLike, and absent keys failing. ------------------------------
def _string_like(expected, actual):
    patterns = expected if isinstance(expected, list) else [expected]
    return any(fnmatch.fnmatchcase(actual, p) for p in patterns)


policy_conditions.CONDITION_OPERATIONS["StringLike"] = _string_like
_original_verify_condition = policy_conditions.TrustCondition.verify_condition


def _verify_condition(self, actual_values):
    if not actual_values and not self._condition.endswith("IfExists"):
        return False
    return _original_verify_condition(self, actual_values)


policy_conditions.TrustCondition.verify_condition = _verify_condition


def _s3_condition_values(request):
    query = urlsplit(request._path).query
    values = {}
    if request._action == "s3:ListBucket":
        for part in query.split("&"):
            name, _, value = part.partition("=")
            if unquote(name) == "prefix":
                values["s3:prefix"] = unquote(value)
    return values


def _check_with_conditions(self, resource):
    values = _s3_condition_values(self)
    permitted = False
    for policy in self._access_key.collect_policies():
        result = access_control.IAMPolicy(policy).is_action_permitted(self._action, resource, None, values)
        if result == PermissionResult.DENIED:
            self._raise_access_denied()
        elif result == PermissionResult.PERMITTED:
            permitted = True
    if not permitted:
        self._raise_access_denied()
    _log_allowed(self, resource, values)


S3IAMRequest.check_action_permitted = _check_with_conditions


# IAMPolicyStatement turns a failed condition into DENIED; in IAM a statement whose condition
# fails does not apply (neither allows nor denies), so one failing Allow cannot veto another.
_original_statement_check = access_control.IAMPolicyStatement.is_action_permitted


def _statement_check(self, action, resource="*", principal=None, incoming_condition_values=None):
    if self._statement.get("Condition") and not self._check_conditions(incoming_condition_values):
        return PermissionResult.NEUTRAL
    return _original_statement_check(self, action, resource, principal, incoming_condition_values)


access_control.IAMPolicyStatement.is_action_permitted = _statement_check


# -- 3: DeleteObjects checked per object. -----------------------------------------------------
_original_s3_authorize = S3Response._authenticate_and_authorize_s3_action


def _authorize_s3(self, bucket_name=None, key_name=None):
    if key_name is None and self.method == "POST" and self.is_delete_keys():
        objects = xmltodict.parse(self.body, strip_whitespace=False)["Delete"].get("Object", [])
        for item in objects if isinstance(objects, list) else [objects]:
            _original_s3_authorize(self, bucket_name=bucket_name, key_name=item["Key"])
        return
    _original_s3_authorize(self, bucket_name=bucket_name, key_name=key_name)


S3Response._authenticate_and_authorize_s3_action = _authorize_s3


# -- 1: DynamoDB actions and resources as IAM checks them. ---------------------------------------
_TRANSACT_WRITE_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                           "ConditionCheck": "ConditionCheckItem"}


def _dynamodb_checks(handler):
    """(action, resource ARN) pairs that IAM authorises for one DynamoDB request."""
    params = handler.body if isinstance(handler.body, dict) else {}
    action = handler._get_action()
    prefix = f"arn:aws:dynamodb:{handler.region}:{handler.current_account}:table/"
    if action == "TransactWriteItems":
        return [(_TRANSACT_WRITE_ACTIONS[kind], prefix + part["TableName"])
                for item in params.get("TransactItems", []) for kind, part in item.items()]
    if action == "TransactGetItems":
        return [("GetItem", prefix + item["Get"]["TableName"]) for item in params.get("TransactItems", [])]
    if action in ("BatchWriteItem", "BatchGetItem"):
        return [(action, prefix + table) for table in params.get("RequestItems", {})]
    if "TableName" in params:
        resource = prefix + params["TableName"]
        if params.get("IndexName"):
            resource += "/index/" + params["IndexName"]
        return [(action, resource)]
    return [(action, "*")]


def _authorize_dynamodb(self, resource="*"):
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
        return
    parsed = urlsplit(self.uri)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    for number, (action, arn) in enumerate(_dynamodb_checks(self)):
        request = IAMRequest(account_id=self.current_account, method=self.method, path=path, data=self.data,
                             body=self.raw_body, headers=self.headers, action=action)
        if number == 0:   # one request, one signature; each of its parts is authorised on its own
            request.check_signature()
        request.check_action_permitted(arn)


DynamoHandler._authenticate_and_authorize_normal_action = _authorize_dynamodb


# -- 5: DynamoDB Streams actions and resources as IAM checks them. --------------------------------
def _authorize_dynamodb_streams(self, resource="*"):
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
        return
    params = self.body if isinstance(self.body, dict) else json.loads(self.body or "{}")
    action = self._get_action()
    arn = params.get("StreamArn") or (params.get("ShardIterator") or "").split("|")[0] or "*"
    parsed = urlsplit(self.uri)
    path = parsed.path + ("?" + parsed.query if parsed.query else "")
    request = IAMRequest(account_id=self.current_account, method=self.method, path=path, data=self.data,
                         body=self.raw_body, headers=self.headers, action=action)
    request._action = "dynamodb:" + action
    request.check_signature()
    request.check_action_permitted(arn)


DynamoDBStreamsHandler._authenticate_and_authorize_normal_action = _authorize_dynamodb_streams

if __name__ == "__main__":
    main(sys.argv[1:])
