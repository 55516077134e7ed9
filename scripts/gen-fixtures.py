#!/usr/bin/env python3
"""Writes a harbor-mock fixtures file with N robots, for benchmarks.

    scripts/gen-fixtures.py N OUT [--hashed]

The users, projects and memberships are those of fixtures/default.json plus five more projects.
Robot 1 is `robot$bench` (system level, secret `Bench-Secret-1`, may read and list robots), the
login the benchmarks use for robot authentication. The others are deterministic: a third at
system level, the rest `<project>+<word>-<n>`; about one in eight names contains `ci`; creation
times spread over 2025; each has two permissions (two accesses in one scope).

Secrets are plaintext (hashed by the server on load) unless --hashed, which writes
`secret_hash` + `salt` as a state dump does.
"""

import hashlib
import json
import random
import sys

WORDS = ["build", "deploy", "scan", "ops", "pull", "push", "mirror", "backup", "sync",
         "release", "nightly", "ci", "gitlab", "jenkins", "argo", "flux"]
PROJECTS = ["library", "team-a", "infra", "ml", "web", "data"]
BENCH_SECRET = "Bench-Secret-1"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    hashed = "--hashed" in argv
    if len(args) != 2:
        sys.exit(__doc__)
    n, out = int(args[0]), args[1]
    rng = random.Random(42)
    base = 1735689600  # 2025-01-01T00:00:00Z
    year = 365 * 86400

    def secret_fields(secret):
        if not hashed:
            return '"secret":%s' % json.dumps(secret)
        salt = "".join(rng.choice(ALNUM) for _ in range(32))
        digest = hashlib.sha256((salt + secret).encode()).hexdigest()
        return '"secret_hash":"%s","salt":"%s"' % (digest, salt)

    def stamp(secs):
        import time
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + ".000Z"

    with open(out, "w") as f:
        f.write('{\n"users":[\n')
        f.write('{"id":1,"username":"admin","password":"Harbor12345","sysadmin":true},\n')
        f.write('{"id":2,"username":"alice","password":"Alice12345"},\n')
        f.write('{"id":3,"username":"bob","password":"Bob12345"},\n')
        f.write('{"id":4,"username":"carol","password":"Carol12345"}\n],\n')
        f.write('"projects":[\n')
        f.write(",\n".join('{"id":%d,"name":"%s"}' % (i + 1, p) for i, p in enumerate(PROJECTS)))
        f.write('\n],\n"members":[\n')
        f.write('{"project":"library","user":"alice","role":"projectAdmin"},\n')
        f.write('{"project":"library","user":"bob","role":"developer"}\n],\n')
        f.write('"robots":[\n')
        f.write('{"id":1,"name":"bench","duration":-1,"creator_type":"local","creator_ref":1,'
                '"creation_time":"2025-01-01T00:00:00.000Z",%s,'
                '"permissions":[{"kind":"system","namespace":"/","access":['
                '{"resource":"robot","action":"read"},{"resource":"robot","action":"list"}]}]}'
                % secret_fields(BENCH_SECRET))
        for i in range(2, n + 1):
            word = WORDS[rng.randrange(len(WORDS))]
            if rng.randrange(3) == 0:
                pid, name = 0, "%s-%d" % (word, i)
                perms = ('[{"kind":"project","namespace":"*","access":['
                         '{"resource":"repository","action":"pull"},'
                         '{"resource":"artifact","action":"read"}]}]')
            else:
                pid = 1 + rng.randrange(len(PROJECTS))
                project = PROJECTS[pid - 1]
                name = "%s+%s-%d" % (project, word, i)
                perms = ('[{"kind":"project","namespace":"%s","access":['
                         '{"resource":"repository","action":"pull"},'
                         '{"resource":"repository","action":"push"}]}]' % project)
            duration = -1 if rng.randrange(4) == 0 else 30
            created = stamp(base + rng.randrange(year))
            secret = "Secret-%d-Ab" % i
            f.write(',\n{"id":%d,"name":"%s","project_id":%d,"duration":%d,'
                    '"creator_type":"local","creator_ref":1,"creation_time":"%s",%s,'
                    '"permissions":%s}' % (i, name, pid, duration, created,
                                           secret_fields(secret), perms))
        f.write('\n]\n}\n')


if __name__ == "__main__":
    main(sys.argv[1:])
