/**
 * ONNX Runtime's own telemetry, off for good. Since 1.29 its Linux and macOS
 * libraries carry Microsoft's 1DS telemetry, switched on unless the process
 * environment says ORT_DISABLE_TELEMETRY=1 when the runtime is first set up
 * (the first session of the process). Vigil is offline-first, so it must not
 * run; and it crashed batch use: while setting up, it reads /proc/self/cmdline
 * and matches it with a std::regex whose backtracking recurses once per
 * character, so a command line over ~30 KB (identify with ~390 photo paths)
 * overflowed the 8 MB main-thread stack (SIGSEGV, exit 139), ~15 KB a 4 MB
 * worker thread's. It also reads /etc/machine-id and queues events under
 * ~/.cache/Microsoft/DeveloperTools/.onnxruntime.
 *
 * Must run on the main thread (a worker's process.env is its own copy, not the
 * environment the native library reads) before any session is created.
 */
export function disableOrtTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY = '1';
}
