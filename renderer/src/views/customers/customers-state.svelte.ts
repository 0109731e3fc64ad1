/**
 * What the Customers screen remembers while the operator opens a customer and comes back: the
 * search per profile (so one merchant's query never filters another's list) and the one-line
 * outcome of the last save, shown on the page the form leads to.
 */
class CustomersScreen {
  private searches = $state<Record<string, string>>({});
  saved = $state<{ id: number; text: string } | null>(null);

  searchOf(profileId: string): string {
    return this.searches[profileId] ?? '';
  }

  setSearch(profileId: string, text: string): void {
    this.searches[profileId] = text;
  }
}

export const customersScreen = new CustomersScreen();
