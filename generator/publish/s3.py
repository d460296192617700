"""Target `type: s3`: S3-compatible object storage (Aliyun OSS, Tencent COS, MinIO, AWS S3) via boto3.

    deploy:
      - name: 阿里云
        type: s3
        bucket: xingfuli-board
        endpoint: https://oss-cn-hangzhou.aliyuncs.com
        region: cn-hangzhou       # optional
        prefix: ""                # optional folder inside the bucket, e.g. board/
        max_delete: 100           # refuse a deploy that would delete more files than this (default 100)
        addressing: virtual       # optional: virtual (OSS, COS) or path (MinIO)

Only files whose content changed are uploaded (hashes kept in `.board-manifest.json` in the
bucket), each with its Content-Type and Cache-Control (files.py). Object storage cannot switch
a whole site at once, so the order keeps readers safe: assets first, pages next, the home page
and board.json last, old files deleted only after everything new is in place. A deploy that
fails half-way leaves the old entry points and every old asset in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from generator.publish.credentials import secret, where_to_put
from generator.publish.files import SiteFile, cache_control, content_type, upload_order
from generator.publish.releases import DeployError, Outcome

MANIFEST = ".board-manifest.json"
DEFAULT_MAX_DELETE = 100
TIMEOUTS = Config(connect_timeout=20, read_timeout=60, retries={"max_attempts": 3})


@dataclass
class Changes:
    upload: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # object keys


def client(target: dict, project_root: Path):
    key_id = secret(target, "access_key_id", project_root)
    key = secret(target, "secret_access_key", project_root)
    if not key_id or not key:
        missing = "access_key_id" if not key_id else "secret_access_key"
        raise DeployError(f"没有找到对象存储的访问密钥（{missing}）：请{where_to_put(missing)}。")
    config = TIMEOUTS.merge(Config(s3={"addressing_style": target.get("addressing", "virtual")}))
    return boto3.client("s3", endpoint_url=target.get("endpoint"), region_name=target.get("region") or "us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=key, config=config)


def _prefix(target: dict) -> str:
    prefix = str(target.get("prefix") or "").strip("/")
    return prefix + "/" if prefix else ""


def plan(s3, target: dict, files: dict[str, SiteFile]) -> Changes:
    bucket, prefix = target["bucket"], _prefix(target)
    existing: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        existing.update(item["Key"] for item in page.get("Contents", []))
    try:
        old = json.loads(s3.get_object(Bucket=bucket, Key=prefix + MANIFEST)["Body"].read()).get("files", {})
    except ClientError:
        old = {}
    except ValueError:
        old = {}
    changes = Changes()
    for rel, item in files.items():
        key = prefix + rel
        if key not in existing or old.get(rel) != item.hash:
            changes.upload.append(rel)
            if key not in existing:
                changes.added.append(rel)
    changes.upload.sort(key=lambda rel: (upload_order(rel), rel))
    wanted = {prefix + rel for rel in files} | {prefix + MANIFEST}
    changes.deleted = sorted(existing - wanted)
    return changes


def _explain(exc: Exception, target: dict) -> DeployError:
    """A boto error as staff can act on it; never the keys, never the raw response."""
    if isinstance(exc, NoCredentialsError):
        return DeployError(f"没有找到对象存储的访问密钥：请{where_to_put('access_key_id')}。")
    if isinstance(exc, EndpointConnectionError):
        return DeployError(f"连不上对象存储 {target.get('endpoint') or 'AWS'}：请检查网络和 endpoint。线上网站保持原样。")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket",):
            return DeployError(f"存储桶 {target['bucket']} 不存在：请检查 bucket 和 endpoint（地域）。")
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "403"):
            return DeployError(f"对象存储拒绝了访问（{code}）：请检查访问密钥是否正确、是否有这个存储桶的写权限。")
        return DeployError(f"对象存储返回错误（{code or '未知'}）。线上网站保持原样，请稍后重试。")
    return DeployError(f"和对象存储通信出错（{type(exc).__name__}）。请稍后重试。")


def deploy(target: dict, files: dict[str, SiteFile], project_root: Path, dry_run: bool = False,
           report_line=print) -> Outcome:
    s3 = client(target, project_root)
    bucket, prefix = target["bucket"], _prefix(target)
    max_delete = int(target.get("max_delete", DEFAULT_MAX_DELETE))
    try:
        changes = plan(s3, target, files)
        if len(changes.deleted) > max_delete:
            raise DeployError(
                f"这次发布要从存储桶删除 {len(changes.deleted)} 个文件，超过了 max_delete 设定的 {max_delete} 个，"
                "为防止误删，什么也没有改。请先运行 board publish --dry-run 看清要删哪些；"
                "确实要删，就把 max_delete 临时改大再发布。")
        if dry_run:
            for rel in changes.upload:
                report_line(f"  {'新增' if rel in changes.added else '更新'} {rel}")
            for key in changes.deleted:
                report_line(f"  删除 {key[len(prefix):]}")
            return Outcome(changed=bool(changes.upload or changes.deleted), uploaded=len(changes.upload),
                           removed=len(changes.deleted))
        for rel in changes.upload:
            item = files[rel]
            s3.put_object(Bucket=bucket, Key=prefix + rel, Body=item.path.read_bytes(),
                          ContentType=content_type(rel), CacheControl=cache_control(rel))
        if changes.upload or changes.deleted:
            manifest = json.dumps({"files": {rel: f.hash for rel, f in files.items()}}, ensure_ascii=False)
            s3.put_object(Bucket=bucket, Key=prefix + MANIFEST, Body=manifest.encode("utf-8"),
                          ContentType="application/json; charset=utf-8", CacheControl="no-cache")
        for start in range(0, len(changes.deleted), 1000):
            batch = changes.deleted[start:start + 1000]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
    except (ClientError, BotoCoreError) as exc:
        raise _explain(exc, target) from None
    return Outcome(changed=bool(changes.upload or changes.deleted), uploaded=len(changes.upload),
                   removed=len(changes.deleted))
