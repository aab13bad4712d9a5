"""HTTP servers rutterctl runs for the developer: `listen`'s webhook receiver (webhooks.py).

Not in api/: that package is the client rutterctl uses to call Rutter (httpx); this one
answers requests (waitress). The simulator's own server stays with the simulator
(sim/server.py); both bind by the one loopback rule of rutterctl.hosts.
"""
