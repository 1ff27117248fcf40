#!/usr/bin/env python3
"""Seeds N projects straight into an annohub SQLite database, for list benchmarks.

Writes rows exactly as the server would (same columns, JSON documents and counters), into the
organization of the given admin email. The server must not be running while this runs.
"""
import json
import os
import sqlite3
import sys
import time

SETTINGS = json.dumps({
    "benchmarkEnabled": False, "benchmarkRatio": 10, "benchmarkCutoff": False, "instructions": None,
    "ocrLanguage": "eng", "idleTimeout": 300, "projectPlugins": {}, "pluginPresets": [],
    "errorCodesEnabled": False, "errorSchema": {}, "exportStorageId": None, "exportStorageBucket": None,
    "exportStoragePath": None, "exportStorageEnabled": False, "taskSkipEnabled": True,
    "unassignSkippedTask": False, "gcSyncEnabled": False,
}, separators=(",", ":"))
SCHEMA = '{"tools":[],"classifications":[],"relations":[]}'
STAGES = ('[{"id":"Start","name":"Start","type":"Start","next":["Label"]},'
          '{"id":"Label","name":"Labeling","type":"Label","next":["Complete"]},'
          '{"id":"Complete","name":"Complete","type":"Complete","next":[]}]')


def main():
    db, count, email = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    conn = sqlite3.connect(db)
    org, user = conn.execute("SELECT organization_id, id FROM users WHERE email = ?", (email,)).fetchone()
    started = time.time()
    base_ms = int(time.time() * 1000) - count
    batch = []
    for i in range(count):
        project_id = "%08x%s" % ((base_ms + i) // 1000, os.urandom(8).hex())
        name = "Seeded project %d" % i
        batch.append((project_id, org, name, name.lower(), "", "ango", email, SCHEMA, STAGES, SETTINGS,
                      base_ms + i, base_ms + i))
        if len(batch) == 50_000 or i == count - 1:
            conn.executemany(
                "INSERT INTO projects (id, organization_id, name, name_lower, description, type, owner_email,"
                " category_schema, stages, settings, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    conn.execute("UPDATE organizations SET project_count = project_count + ? WHERE id = ?", (count, org))
    conn.commit()
    conn.close()
    print("seeded %d projects in %.1f s" % (count, time.time() - started), file=sys.stderr)


if __name__ == "__main__":
    main()
