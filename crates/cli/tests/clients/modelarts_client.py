"""A ModelArts client as a user's script would be: every request signed by Huawei Cloud's own
signer (huaweicloudsdkcore), sent with requests.

Makes an image classification dataset from a folder (which queues its import), waits for that
import, then imports a manifest into the dataset and waits again. Then makes two requests the
service refuses and turns each answer into the exception the SDK's clients raise, with the
SDK's own handler: a dataset that does not exist, and a dataset from a bucket that does not.
Prints one JSON object a line: each answer the steps got. Exits 1 at the first answer that is
not what the platform documents.

    modelarts_client.py ENDPOINT PROJECT_ID DATASET_NAME DATA_PATH WORK_PATH MANIFEST_PATH MISSING_BUCKET

The key pair comes from HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, the SDK's own variables.
"""

import json
import os
import sys
import time

try:
    import requests
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions.exception_handler import DefaultExceptionHandler
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer
except ImportError as e:
    sys.exit(f"{e}: install Huawei Cloud's SDK core with scripts/install-test-tools.sh")

TERMINAL = ("COMPLETED", "FAILED")


def call(endpoint, credentials, method, path, body=None, query=None):
    """Signs and sends one request; returns the status and the JSON answer."""
    response = send(endpoint, credentials, method, path, body, query)
    return response.status_code, response.json()


def send(endpoint, credentials, method, path, body=None, query=None):
    """Signs and sends one request; returns the response."""
    schema, host = endpoint.split("://", 1)
    headers = {"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": credentials.project_id}
    request = SdkRequest(
        method=method,
        schema=schema,
        host=host,
        resource_path=path,
        query_params=list((query or {}).items()),
        header_params=headers,
        body=json.dumps(body) if body is not None else "",
    )
    Signer(credentials).sign(request)
    response = requests.request(
        method,
        f"{schema}://{host}{request.uri}",
        headers=request.header_params,
        data=request.body or None,
        timeout=60,
    )
    return response


def refused(step, endpoint, credentials, method, path, body=None):
    """Reports the exception the SDK raises for a refused request: its kind, status, code,
    message and request id, which the SDK takes from the X-Request-Id header."""
    response = send(endpoint, credentials, method, path, body)
    try:
        DefaultExceptionHandler().handle_exception(None, response)
    except (ClientRequestException, ServerResponseException) as e:
        report(step, e.status_code, {
            "exception": type(e).__name__,
            "request_id": e.request_id,
            "error_code": e.error_code,
            "error_msg": e.error_msg,
        })
        return
    sys.exit(f"{step}: HTTP {response.status_code} raised no exception")


def report(step, status, answer):
    print(json.dumps({"step": step, "status": status, "answer": answer}), flush=True)


def expect(step, status, answer, wanted):
    report(step, status, answer)
    if status != wanted:
        sys.exit(f"{step}: HTTP {status}, expected {wanted}")


def wait(endpoint, credentials, project, dataset_id, task_id):
    path = f"/v2/{project}/datasets/{dataset_id}/import-tasks/{task_id}"
    deadline = time.time() + 120
    while True:
        status, task = call(endpoint, credentials, "GET", path)
        if status != 200 or task.get("status") in TERMINAL or time.time() > deadline:
            expect("task", status, task, 200)
            if task.get("status") != "COMPLETED":
                sys.exit(f"import task {task_id} ended {task.get('status')}")
            return task
        time.sleep(0.2)


def main():
    endpoint, project, name, data_path, work_path, manifest_path, missing = sys.argv[1:8]
    credentials = BasicCredentials(
        os.environ["HUAWEICLOUD_SDK_AK"], os.environ["HUAWEICLOUD_SDK_SK"], project
    )
    status, created = call(
        endpoint,
        credentials,
        "POST",
        f"/v2/{project}/datasets",
        body={
            "dataset_name": name,
            "dataset_type": 0,
            "data_sources": [{"data_type": 0, "data_path": data_path}],
            "work_path": work_path,
            "work_path_type": 0,
            "description": "made by the official signer",
        },
    )
    expect("create_dataset", status, created, 201)
    dataset_id = created["dataset_id"]
    wait(endpoint, credentials, project, dataset_id, created["import_task_id"])

    status, task = call(
        endpoint,
        credentials,
        "POST",
        f"/v2/{project}/datasets/{dataset_id}/import-tasks",
        body={
            "import_type": "manifest",
            "import_path": manifest_path,
            "included_tags": [],
            "import_annotations": True,
            "difficult_only": False,
        },
    )
    expect("create_import_task", status, task, 200)
    wait(endpoint, credentials, project, dataset_id, task["task_id"])

    status, tasks = call(
        endpoint,
        credentials,
        "GET",
        f"/v2/{project}/datasets/{dataset_id}/import-tasks",
        query={"limit": 10, "offset": 0},
    )
    expect("list_import_tasks", status, tasks, 200)
    status, dataset = call(endpoint, credentials, "GET", f"/v2/{project}/datasets/{dataset_id}")
    expect("dataset", status, dataset, 200)

    refused("missing_dataset", endpoint, credentials, "GET", f"/v2/{project}/datasets/nope")
    refused(
        "missing_bucket",
        endpoint,
        credentials,
        "POST",
        f"/v2/{project}/datasets",
        body={
            "dataset_name": "nowhere",
            "dataset_type": 0,
            "data_sources": [{"data_type": 0, "data_path": f"/{missing}/cats/"}],
            "work_path": f"/{missing}/output/",
            "work_path_type": 0,
        },
    )


if __name__ == "__main__":
    main()
