// Test helper: the error a call throws, checked to be of the expected class. Anything else thrown fails the
// test as it is; nothing thrown fails it with a message naming the class.
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, nothing was thrown`);
}
