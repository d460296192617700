"""Target `type: ssh`: a server reached over SSH/SFTP (paramiko), releases switched by a symlink rename.

    deploy:
      - name: 服务器
        type: ssh
        host: 192.0.2.10
        user: board
        path: /var/www/board/site       # nginx's root on the server; releases in /var/www/board/site-releases/
        port: 22                        # optional
        key_file: ~/.ssh/board_deploy   # optional (else ssh-agent or ~/.ssh/id_*); never inside the project
        known_hosts: ~/.ssh/known_hosts # optional; an unknown server is refused, never trusted blindly

Only SFTP is used (no shell), so an SFTP-only account works. The switch is OpenSSH's
posix-rename of a new symlink over the served path, atomic on the server.
"""

from __future__ import annotations

import errno
import posixpath
import stat
from pathlib import Path

import paramiko

from generator.publish.credentials import secret
from generator.publish.files import SiteFile
from generator.publish.releases import DeployError, Outcome, ReleaseSite

CONNECT_TIMEOUT = 20  # seconds: a server that does not answer is reported, not waited on for ever


class SftpStore:
    """The release operations over SFTP."""

    def __init__(self, sftp: paramiko.SFTPClient) -> None:
        self.sftp = sftp
        self._hardlinks = True

    def _stat(self, path: str):
        try:
            return self.sftp.lstat(path)
        except OSError:
            return None

    def exists(self, path: str) -> bool:
        return self._stat(path) is not None

    def is_link(self, path: str) -> bool:
        found = self._stat(path)
        return found is not None and stat.S_ISLNK(found.st_mode)

    def readlink(self, path: str) -> str | None:
        try:
            return self.sftp.readlink(path)
        except OSError:
            return None

    def listdir(self, path: str) -> list[str]:
        try:
            return self.sftp.listdir(path)
        except OSError:
            return []

    def makedirs(self, path: str) -> None:
        missing = []
        while path not in ("", "/") and not self.exists(path):
            missing.append(path)
            path = posixpath.dirname(path)
        for folder in reversed(missing):
            self.sftp.mkdir(folder, 0o755)

    def put(self, local: SiteFile, remote: str) -> None:
        self.sftp.put(str(local.path), remote, confirm=True)
        self.sftp.chmod(remote, 0o644)

    def link(self, existing: str, new: str) -> bool:
        """OpenSSH's hardlink@openssh.com; paramiko has no public call for it, so the request is sent
        as paramiko sends its own posix-rename. Any refusal means: upload instead."""
        if not self._hardlinks:
            return False
        try:
            self.sftp._request(paramiko.sftp.CMD_EXTENDED, "hardlink@openssh.com", existing, new)
            return True
        except (OSError, paramiko.SSHException):
            self._hardlinks = False
            return False

    def read_text(self, path: str) -> str | None:
        try:
            with self.sftp.open(path, "r") as handle:
                return handle.read().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write_text(self, path: str, text: str) -> None:
        temporary = path + ".tmp"
        with self.sftp.open(temporary, "w") as handle:
            handle.write(text.encode("utf-8"))
        self.sftp.posix_rename(temporary, path)

    def rename(self, old: str, new: str) -> None:
        self.sftp.posix_rename(old, new)

    def replace_with_symlink(self, path: str, target: str) -> None:
        temporary = path + ".new-link"
        if self.exists(temporary):
            self.sftp.remove(temporary)
        self.sftp.symlink(target, temporary)
        self.sftp.posix_rename(temporary, path)  # rename(2) on the server: atomic for every reader

    def rmtree(self, path: str) -> None:
        found = self._stat(path)
        if found is None:
            return
        if not stat.S_ISDIR(found.st_mode):
            self.sftp.remove(path)
            return
        for entry in self.sftp.listdir_attr(path):
            self.rmtree(posixpath.join(path, entry.filename))
        self.sftp.rmdir(path)


def connect(target: dict, project_root: Path) -> paramiko.SSHClient:
    """An SSH connection to a known server; every failure becomes a DeployError in Chinese."""
    host, user = str(target["host"]), str(target["user"])
    port = int(target.get("port", 22))
    client = paramiko.SSHClient()
    try:
        client.load_system_host_keys()
    except OSError:
        pass
    known_hosts = target.get("known_hosts")
    if known_hosts:
        try:
            client.load_host_keys(str(Path(str(known_hosts)).expanduser()))
        except OSError:
            raise DeployError(f"找不到 known_hosts 文件 {known_hosts}。") from None
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    key_file = target.get("key_file")
    try:
        client.connect(host, port=port, username=user,
                       key_filename=str(Path(str(key_file)).expanduser()) if key_file else None,
                       password=secret(target, "password", project_root),
                       passphrase=secret(target, "key_passphrase", project_root),
                       timeout=CONNECT_TIMEOUT, banner_timeout=CONNECT_TIMEOUT, auth_timeout=CONNECT_TIMEOUT,
                       look_for_keys=not key_file)
    except paramiko.BadHostKeyException:
        raise DeployError(f"服务器 {host} 的身份（主机密钥）和以前记下的不一样，为安全起见没有连接。"
                          "请先向服务器管理员确认是否换过服务器。") from None
    except paramiko.SSHException as exc:
        if "not found in known_hosts" in str(exc):
            raise DeployError(f"还不认识服务器 {host}：为安全起见，第一次要先在这台电脑上运行 ssh -p {port} {user}@{host}，"
                              "确认指纹后回答 yes（或请 IT 人员把它加入 known_hosts），再发布。") from None
        if isinstance(exc, paramiko.AuthenticationException):
            raise DeployError(f"登录服务器 {host} 被拒绝（用户 {user}）：请检查 key_file 指定的密钥，"
                              "或服务器上的 authorized_keys。") from None
        raise DeployError(f"和服务器 {host}:{port} 的 SSH 连接出错（{type(exc).__name__}）。") from None
    except FileNotFoundError:
        raise DeployError(f"找不到密钥文件 {key_file}。请检查 key_file。") from None
    except OSError as exc:
        reason = "连接超时" if isinstance(exc, TimeoutError) else "连不上"
        if getattr(exc, "errno", None) == errno.ECONNREFUSED:
            reason = "拒绝连接（端口不对，或 SSH 服务没有运行）"
        raise DeployError(f"服务器 {host}:{port} {reason}。请检查网络、host 和 port。") from None
    return client


def release_site(target: dict, client: paramiko.SSHClient, progress=lambda text: None) -> ReleaseSite:
    return ReleaseSite(SftpStore(client.open_sftp()), str(target["path"]).rstrip("/"), int(target.get("keep", 5)),
                       progress)


def deploy(target: dict, files: dict[str, SiteFile], project_root: Path, progress=lambda text: None) -> Outcome:
    client = connect(target, project_root)
    try:
        return release_site(target, client, progress).deploy(files)
    except (paramiko.SSHException, EOFError, OSError) as exc:
        transport = client.get_transport()
        if isinstance(exc, (paramiko.SSHException, EOFError, ConnectionError)) or not (transport and transport.is_active()):
            raise DeployError(f"上传途中和服务器的连接断了（{type(exc).__name__}）。线上仍是上一个版本；"
                              "下次发布会清掉没传完的部分重新上传。") from None
        raise DeployError(f"上传到服务器时出错（{type(exc).__name__}: {getattr(exc, 'strerror', None) or '无详细信息'}）："
                          "请检查 path 所在文件夹的写入权限和磁盘空间。线上仍是上一个版本。") from None
    finally:
        client.close()


def rollback(target: dict, project_root: Path) -> tuple[str, str]:
    client = connect(target, project_root)
    try:
        return release_site(target, client).rollback()
    finally:
        client.close()
