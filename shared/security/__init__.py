"""Who is calling (issue 10): clients of parties and operators, their secrets, short-lived access tokens,
revocation that every service sees within seconds, the audit trail, and what each may record (`policy`) and read
(`reading`).

Pure modules (`identity`, `hashing`, `tokens`, `revocation`, `verifier`, `audit`, `grants`, `administration`,
`ports`, `settings`, `policy`, `reading`) import no database or web framework; `access`, `postgres` and `runtime`
are the I/O around them, and shared/web/auth.py and read_scopes.py the HTTP adapters.
"""
