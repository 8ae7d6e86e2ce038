// The date alone under the test's control: code that reads Date (a ban's end, a window's start)
// sees the date the test sets with jest.setSystemTime, while timers, sockets and I/O run in real
// time. Undo with jest.useRealTimers().
export function fakeDateOnly(now = Date.now()): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame',
      'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
      'setTimeout', 'clearTimeout',
    ],
  });
}
