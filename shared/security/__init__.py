"""Who is calling (issue 10): clients of parties and operators, their secrets, short-lived access tokens,
revocation that every service sees within seconds, and the audit trail.

Pure modules (`identity`, `hashing`, `tokens`, `revocation`, `verifier`, `audit`, `grants`, `administration`,
`ports`, `settings`) import no database or web framework; `postgres` and `runtime` are the I/O around them, and
shared/web/auth.py is the HTTP adapter.
"""
