import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Asks V8 for a full collection. Long imports create garbage far faster than V8 chooses to
 * collect it when memory looks plentiful, and the process's peak memory then depends on GC
 * timing; a collection every few tens of thousands of rows keeps the peak predictable for a
 * few tens of milliseconds each.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose_gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
