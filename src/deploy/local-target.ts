/** The local target, loaded only when a local deployment is touched: the aws path never pays for it. */
export function loadLocalTarget() {
  return import('../local/index.js');
}
