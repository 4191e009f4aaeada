#!/usr/bin/env python3
"""Write N Prosody internal_hashed accounts straight into mod_storage_internal's files.

prosodyctl adduser takes about a second per account (a Lua start-up each time); this writes the
same <data>/<host>/accounts/<user>.dat files Prosody itself writes, in well under a second for
10,000 users. All accounts share one salt, so the SCRAM keys are computed once; Prosody never runs
PBKDF2 at a SCRAM login (it keeps StoredKey/ServerKey), so the shared salt does not change the
server's work (PLAIN logins do run PBKDF2 with iteration_count on the server).

usage: prosody-accounts.py DATA_DIR HOST PATTERN COUNT PASSWORD [ITERATIONS]
"""
import hashlib
import hmac
import os
import sys


def encode_path_part(text):
    # util.datamanager encodes every non-alphanumeric byte as %xx.
    return "".join(c if c.isalnum() else "%%%02x" % ord(c) for c in text)


def main():
    if len(sys.argv) not in (6, 7):
        sys.exit(__doc__)
    data_dir, host, pattern, count, password = sys.argv[1:6]
    iterations = int(sys.argv[6]) if len(sys.argv) == 7 else 4096
    salt = "canto-bench-salt-0001"
    salted = hashlib.pbkdf2_hmac("sha1", password.encode(), salt.encode(), iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha1).digest()
    stored_key = hashlib.sha1(client_key).hexdigest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha1).hexdigest()
    body = ('return {\n\t["iteration_count"] = %d;\n\t["salt"] = "%s";\n'
            '\t["server_key"] = "%s";\n\t["stored_key"] = "%s";\n};\n'
            % (iterations, salt, server_key, stored_key))
    accounts = os.path.join(data_dir, encode_path_part(host), "accounts")
    os.makedirs(accounts, exist_ok=True)
    for i in range(1, int(count) + 1):
        user = pattern.replace("%d", str(i))
        with open(os.path.join(accounts, encode_path_part(user) + ".dat"), "w") as f:
            f.write(body)


if __name__ == "__main__":
    main()
