"""An SMTP server for the tests of `vigie notice send`: Debian's python3-aiosmtpd on a loopback port.

usage: smtp-server.py <spool dir> [--tls <cert.pem> <key.pem>] [--auth <user> <password>] [--reject <address>]

Prints one line of JSON, {"port": N}, once it listens on 127.0.0.1 (port chosen by the kernel). Each message it
accepts is written as <spool>/<n>.eml (the DATA bytes exactly as received, dot-unstuffed) with <n>.json beside it
(envelope, whether the session was in TLS, who authenticated). With --tls it offers STARTTLS and requires it before
MAIL; with --auth it requires AUTH (PLAIN/LOGIN) with those credentials; --reject refuses RCPT TO that address (550).
"""
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    args = sys.argv[1:]
    spool = args.pop(0)
    tls = auth = None
    rejected = set()
    while args:
        flag = args.pop(0)
        if flag == "--tls":
            tls = (args.pop(0), args.pop(0))
        elif flag == "--auth":
            auth = (args.pop(0), args.pop(0))
        elif flag == "--reject":
            rejected.add(args.pop(0).lower())
        else:
            raise SystemExit(f"unknown option {flag}")

    class Handler:
        count = 0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() in rejected:
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            base = os.path.join(spool, f"{Handler.count:04d}")
            with open(base + ".eml", "wb") as out:
                out.write(envelope.original_content)
            meta = {
                "mailFrom": envelope.mail_from,
                "rcptTos": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            }
            with open(base + ".json", "w") as out:
                json.dump(meta, out)
            return f"250 2.0.0 Ok: queued as test-{Handler.count}"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == auth
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)

    def factory():
        return SMTP(
            Handler(),
            hostname="smtp.test",
            tls_context=context,
            require_starttls=context is not None,
            authenticator=authenticator if auth else None,
            auth_required=auth is not None,
            auth_require_tls=context is not None,
        )

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.run_forever()
    server.close()


main()
