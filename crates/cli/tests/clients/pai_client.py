"""A PAI client as a user's script would be: Alibaba Cloud's official SDK for the AIWorkSpace
2021-02-04 API (alibabacloud-aiworkspace20210204), its Client and request models unmodified,
pointed at a Wharf server.

Makes a dataset (and so its version v1), reads it back, lists the workspace's datasets, adds a
version and lists and reads the versions, then asks for a dataset that does not exist. Then
makes an ADVANCED dataset of the files under s3://BUCKET/pics/, builds its file metadata with a
FileMetaBuild job, lists the files, tags one, reads it back, declares one more file and lists
the jobs. Prints one JSON object a line: each step and the answer it got (for the refusal, the
exception's code and status). Exits 1 at the first call that fails unexpectedly.

    pai_client.py HOST:PORT BUCKET

The key pair comes from ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, the
SDK's own variables.
"""

import json
import os
import sys
import time

try:
    from alibabacloud_aiworkspace20210204 import models
    from alibabacloud_aiworkspace20210204.client import Client
    from alibabacloud_tea_openapi.models import Config
except ImportError as e:
    sys.exit(f"{e}: install Alibaba Cloud's PAI SDK with scripts/install-test-tools.sh")


def report(step, answer):
    print(json.dumps({"step": step, "answer": answer}, ensure_ascii=False), flush=True)


TERMINAL = ("Succeeded", "PartialFailed", "Failed", "ManuallyStop")


def files(client, bucket):
    """The file metadata steps, on an ADVANCED dataset of s3://BUCKET/pics/."""
    workspace = "w-sdk"
    dataset_id = client.create_dataset(
        models.CreateDatasetRequest(
            name="sdk-files",
            property="DIRECTORY",
            data_source_type="OSS",
            uri=f"s3://{bucket}/pics/",
            edition="ADVANCED",
            workspace_id=workspace,
        )
    ).body.dataset_id
    job = client.create_dataset_job(
        dataset_id,
        models.CreateDatasetJobRequest(
            job_action="FileMetaBuild", dataset_version="v1", workspace_id=workspace
        ),
    ).body
    report("create_dataset_job", job.to_map())
    deadline = time.time() + 120
    while True:
        got = client.get_dataset_job(
            dataset_id,
            job.dataset_job_id,
            models.GetDatasetJobRequest(dataset_version="v1", workspace_id=workspace),
        ).body
        if got.status in TERMINAL or time.time() > deadline:
            break
        time.sleep(0.2)
    report("get_dataset_job", got.to_map())
    if got.status != "Succeeded":
        sys.exit(f"the FileMetaBuild ended {got.status}")

    listed = client.list_dataset_file_metas(
        dataset_id,
        models.ListDatasetFileMetasRequest(
            dataset_version="v1",
            workspace_id=workspace,
            max_results=10,
            query_file_type_include_any=["image"],
            sort_by="FileUpdateTime",
        ),
    ).body
    report("list_dataset_file_metas", listed.to_map())
    first = listed.dataset_file_metas[0].dataset_file_meta_id
    updated = client.update_dataset_file_metas(
        dataset_id,
        models.UpdateDatasetFileMetasRequest(
            dataset_version="v1",
            workspace_id=workspace,
            dataset_file_metas=[
                models.DatasetFileMetaConentUpdate(
                    dataset_file_meta_id=first,
                    tags=json.dumps({"user": {"add": ["sdk", "cat"]}}),
                )
            ],
        ),
    ).body
    report("update_dataset_file_metas", updated.to_map())
    meta = client.get_dataset_file_meta(
        dataset_id,
        first,
        models.GetDatasetFileMetaRequest(dataset_version="v1", workspace_id=workspace),
    ).body
    report("get_dataset_file_meta", meta.to_map())
    created = client.create_dataset_file_metas(
        dataset_id,
        models.CreateDatasetFileMetasRequest(
            dataset_version="v1",
            workspace_id=workspace,
            dataset_file_metas=[
                models.DatasetFileMetaContentCreate(
                    uri=f"oss://{bucket}/pics/declared.jpg",
                    file_finger_print="etag-declared",
                    file_update_time="2025-01-02T03:04:05.000Z",
                    file_type="image",
                    content_type="image/jpeg",
                    data_size=10,
                    tags=json.dumps({"user": {"add": ["declared"]}}),
                )
            ],
        ),
    ).body
    report("create_dataset_file_metas", created.to_map())
    jobs = client.list_dataset_jobs(
        dataset_id, models.ListDatasetJobsRequest(workspace_id=workspace)
    ).body
    report("list_dataset_jobs", jobs.to_map())


def main():
    endpoint, bucket = sys.argv[1:3]
    client = Client(
        Config(
            access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
            access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
            endpoint=endpoint,
            protocol="http",
        )
    )
    created = client.create_dataset(
        models.CreateDatasetRequest(
            name="sdk-猫",
            property="DIRECTORY",
            data_source_type="OSS",
            uri="oss://sdk-bucket.oss-cn-hangzhou.aliyuncs.com/cats/",
            data_type="PIC",
            labels=[models.Label(key="env", value="test")],
            options=json.dumps({"mountPath": "/mnt/data/"}),
            version_description="made by the official SDK",
            version_labels=[models.Label(key="stage", value="raw")],
            data_count=5,
            data_size=500,
        )
    ).body
    report("create_dataset", created.to_map())
    dataset_id = created.dataset_id

    dataset = client.get_dataset(dataset_id, models.GetDatasetRequest()).body
    report("get_dataset", dataset.to_map())
    listed = client.list_datasets(
        models.ListDatasetsRequest(name="sdk", label="env", page_number=1, page_size=10)
    ).body
    report("list_datasets", listed.to_map())

    version = client.create_dataset_version(
        dataset_id,
        models.CreateDatasetVersionRequest(
            data_source_type="OSS",
            property="DIRECTORY",
            uri="oss://sdk-bucket.oss-cn-hangzhou.aliyuncs.com/cats-v2/",
            data_count=7,
            description="the second",
        ),
    ).body
    report("create_dataset_version", version.to_map())
    versions = client.list_dataset_versions(
        dataset_id,
        models.ListDatasetVersionsRequest(page_number=1, page_size=10, order="DESC"),
    ).body
    report("list_dataset_versions", versions.to_map())
    got = client.get_dataset_version(
        dataset_id, version.version_name, models.GetDatasetVersionRequest()
    ).body
    report("get_dataset_version", got.to_map())

    try:
        client.get_dataset("d-does-not-exist", models.GetDatasetRequest())
    except Exception as e:  # the SDK's ClientException
        report(
            "get_missing_dataset",
            {"code": getattr(e, "code", None), "status": getattr(e, "status_code", None)},
        )
    else:
        sys.exit("get_dataset of an unknown dataset did not fail")

    files(client, bucket)


if __name__ == "__main__":
    main()
