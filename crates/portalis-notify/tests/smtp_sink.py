"""A real SMTP server for the delivery tests (aiosmtpd): each message it
accepts is written to DIR as NNNN.eml. Usage: smtp_sink.py PORT DIR"""
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.directory, f"{self.count:04d}.eml")
        with open(path, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


port, directory = int(sys.argv[1]), sys.argv[2]
controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
