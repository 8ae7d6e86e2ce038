// Preloaded (--import) into every server process the tests spawn. A jest worker that is killed
// (force-exited after a timeout, SIGKILL) runs no exit handler, and its children were re-parented
// and kept writing to Redis under a test prefix. This watches the parent instead: once the process
// that spawned this one is gone, the server stops as it does on SIGTERM. Test harness only.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();
