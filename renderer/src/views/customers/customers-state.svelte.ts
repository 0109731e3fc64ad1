/**
 * What the Customers screen remembers while the operator opens a customer and comes back: the
 * one-line outcome of the last save, shown on the page the form leads to. (The list's search and
 * position live in the address: see router.svelte.ts.)
 */
class CustomersScreen {
  saved = $state<{ id: number; text: string } | null>(null);
}

export const customersScreen = new CustomersScreen();
