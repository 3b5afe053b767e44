import csv
totals = {}
with open("sales.csv") as f:
    for row in csv.DictReader(f):
        totals[row["region"]] = totals.get(row["region"], 0) + float(row["amount"])
for region, amount in sorted(totals.items()):
    print(f"{region}: {amount:,.0f}")
