import queue
import threading


def transform(grid):
    q = queue.Queue()
    lock = threading.Lock()
    out = []

    def worker():
        while True:
            item = q.get()
            if item is None:
                return
            with lock:
                out.append(item)

    t = threading.Thread(target=worker)
    t.start()
    for row in grid.tolist():
        q.put(row)
    q.put(None)
    t.join()
    return out
