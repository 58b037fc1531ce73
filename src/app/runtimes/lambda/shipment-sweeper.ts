import { createShipmentSweeper } from './runtime.js';

/** The shipment sweeper (an EventBridge scheduled rule invokes it; see the system description). */
export const { handler } = createShipmentSweeper();
