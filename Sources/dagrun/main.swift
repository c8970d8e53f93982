import Engine
import Watcher

print("dagrun")
